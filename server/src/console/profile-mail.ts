/**
 * The mails of a change of address. Neither carries the account's name: nobody has verified
 * that whoever chose the name owns either inbox, so a name ("Urgent: call …") must not reach
 * them from us. The link carries the token in the URL fragment, which browsers never send to a
 * server, so it reaches no access log, Referer or proxy; the page posts it in a JSON body.
 */
export function emailChangeMails(origin: string, newEmail: string) {
  return {
    confirm: (token: string) => ({
      subject: 'Confirm your new KS Pay email address',
      text: [
        'Hello,',
        '',
        'Someone (we hope you) asked to use this address for a KS Pay merchant account.',
        'Open this link to confirm it:',
        '',
        `${origin}/confirm-email#token=${token}`,
        '',
        'The link works once and expires in 24 hours.',
        'If you did not ask for this, ignore this email: nothing changes.'
      ].join('\n')
    }),
    notice: {
      subject: 'Your KS Pay email address is about to change',
      text: [
        'Hello,',
        '',
        `Someone signed in to your KS Pay merchant account asked to change its email address to ${newEmail}.`,
        'The change happens only when the link we sent to that address is opened.',
        '',
        'If this was not you, sign in, change your password (this signs out every other',
        'session) and check "Active sessions" on your Profile.'
      ].join('\n')
    }
  };
}
