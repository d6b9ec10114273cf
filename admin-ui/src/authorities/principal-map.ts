/** A CA's principal map in words: what in a certificate names the user it signs in. */
export function principalMapLabel(map: string): string {
  if (map === "username") return "Principals (-n)";
  if (map === "key-id") return "Key id (-I)";
  return `Extension ${map.slice("extension:".length)}`;
}
