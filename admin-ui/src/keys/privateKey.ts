// Private keys are recognised in the browser and never sent anywhere, not even to the preview.

const markers = [
  /-----BEGIN (?:OPENSSH |RSA |DSA |EC |ENCRYPTED |SSH2 ENCRYPTED )?PRIVATE KEY-----/,
  /^PuTTY-User-Key-File-\d+:/m,
  /"d"\s*:\s*"[A-Za-z0-9_-]{20,}"/, // a private JWK
];

export function containsPrivateKey(text: string): boolean {
  return markers.some((marker) => marker.test(text));
}
