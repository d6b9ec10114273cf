// What filler rows look like: a real Ed25519 key's type and text (never read on the hot
// path), with synthetic unique identifiers so every unique index is as large as with real keys.
export const fillerOpenssh = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOsCAy7r3q/Jg6tapShq75wCbvJBTXuPTnuxS+3wCgbz";
/** Filler users hold this many keys each. */
export const keysPerFillerUser = 2;

export function fillerUserCount(fillerKeys: number): number {
  return Math.ceil(fillerKeys / keysPerFillerUser);
}
