/** CommonJS module without types: `module.exports = { test(password) }`. */
declare module 'fxa-common-password-list' {
  const list: {
    /** True when the password is on Mozilla's common-password list (case-sensitive). */
    test(password: string): boolean;
  };
  export default list;
}
