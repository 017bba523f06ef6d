/** The recovery codes as the `.txt` the merchant saves: built in the browser, stored nowhere. */
export function recoveryCodesFile(codes: readonly string[], email: string): string {
  return [
    `KS Pay recovery codes for ${email.replace(/[\r\n]+/g, ' ')}`,
    'Each code signs you in once when your authenticator app is not at hand.',
    'Keep them somewhere safe, apart from your password.',
    '',
    ...codes,
    ''
  ].join('\n');
}
