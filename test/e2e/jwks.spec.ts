// JWKS URLs in the console: a user adds one under their keys, a JWT signed by a key of that set
// signs them in (the built server fetches it from a loopback JWKS server), and the row shows
// the last use and fetch.
import { expect, test } from "@playwright/test";
import { jwksToken, keyPairFor, publicJwk, startJwksServer } from "../support/jwks-server.js";
import { addUser, baseUrl, shot, signIn, unique } from "./support.js";

test("a user adds a JWKS URL in the console, sees it listed, and a JWT signed by a key of it signs in", async ({ page }) => {
  const alice = unique("alice");
  addUser(alice);
  const key = keyPairFor("ES256");
  const jwks = await startJwksServer({ body: { keys: [publicJwk(key.publicKey, "laptop-2026")] } });
  try {
    await signIn(page, alice);
    const section = page.getByRole("region", { name: "JWKS URLs" });
    await expect(section).toContainText("No JWKS URL is trusted");
    await section.getByLabel("Add a JWKS URL").fill(jwks.url);
    await section.getByRole("button", { name: "Add URL" }).click();
    await expect(section.getByRole("status").filter({ hasText: `Trusting ${jwks.url}` })).toBeVisible();
    // The form is ready for the next URL.
    await expect(section.getByLabel("Add a JWKS URL")).toHaveValue("");
    await expect(section.getByRole("button", { name: "Add URL" })).toBeVisible();
    const row = section.locator(`tr[data-jwks-url="${jwks.url}"]`);
    await expect(row).toContainText("Never used");
    await expect(row).toContainText("Not fetched yet");

    const r = await fetch(`${baseUrl}/whoami`, { headers: { authorization: await jwksToken(alice, key.privateKey, "ES256", "laptop-2026", Date.now()) } });
    expect(r.status).toBe(200);
    await section.getByRole("button", { name: "Refresh" }).click();
    await expect(row).not.toContainText("Never used");
    await expect(row).toContainText("OK");
    await shot(page, "jwks-endpoints");

    await row.getByRole("button", { name: `Remove ${jwks.url}` }).click();
    await expect(row).toBeHidden();
    await expect(section).toContainText("No JWKS URL is trusted");
  } finally {
    await jwks.close();
  }
});
