import type { ResolvedPathname } from '$app/types';
import { createContext, type Component } from 'svelte';

export interface NavItem {
  /** Built with `resolve()` from `$app/paths`. */
  href: ResolvedPathname;
  label: string;
  icon: Component<{ class?: string }>;
  /** Active only on exactly this path (the dashboard at `/`), not on paths below it. */
  exact?: boolean;
}

export interface NavSection {
  /** Unique per section; adding a section with the same id replaces it. */
  id: string;
  /** Shown above the links, e.g. the open app's name. */
  title?: string;
  items: NavItem[];
}

/**
 * The sidebar's extra sections. The signed-in shell always shows "Dashboard"; a page or
 * layout deeper down (an app's Overview/Transactions/Settings) adds its own section for as
 * long as it is mounted:
 *
 *   const nav = getShellNav();
 *   $effect(() => nav.add({ id: 'app', title: app.name, items: [...] }));
 */
export class ShellNav {
  // Raw: sections are replaced, never mutated, and identity must survive for removal.
  sections = $state.raw<NavSection[]>([]);

  /** Shows `section` until the returned function is called (an `$effect` cleanup). */
  add(section: NavSection): () => void {
    this.sections = [...this.sections.filter((s) => s.id !== section.id), section];
    return () => {
      this.sections = this.sections.filter((s) => s !== section);
    };
  }
}

export const [getShellNav, setShellNav] = createContext<ShellNav>();
