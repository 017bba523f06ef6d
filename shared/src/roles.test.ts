import { describe, expect, it } from 'vitest';
import { can, ROLE_ACTIONS, ROLE_REFUSAL, ROLES, roleCannot, type RoleAction } from './roles';

describe('what a role that never could is told', () => {
  it('names the role, the action and whom to ask', () => {
    expect(roleCannot('viewer', 'apps.register')).toBe(
      "Viewers can't register apps. Ask an Owner or Admin."
    );
    expect(roleCannot('developer', 'keys.manage')).toBe(
      "Developers can't generate, regenerate or disable API keys. Ask an Owner or Admin."
    );
  });

  it('never uses the words kept for a change refused after a demotion', () => {
    for (const role of ROLES) {
      for (const action of Object.keys(ROLE_ACTIONS) as RoleAction[]) {
        if (can(role, ROLE_ACTIONS[action].permission)) continue;
        const text = roleCannot(role, action);
        expect(text).not.toContain(ROLE_REFUSAL);
        // Whoever it says to ask can do it.
        expect(text).toMatch(/Ask an Owner( or Admin)?\.$/);
      }
    }
  });
});
