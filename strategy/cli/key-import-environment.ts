import { keyImportSettings, type KeyImportSettings } from "../import/options.js";
import { integerSetting } from "../integer-setting.js";

/**
 * Key import settings from the environment: GITHUB_URL and GITLAB_URL (a GitHub Enterprise or
 * self-hosted GitLab, or a test's fake), and JWKS_ALLOW_PRIVATE_ADDRESSES, which lets JWKS and
 * import fetches alike reach internal hosts. A bad value is a TypeError naming the variable.
 */
export function keyImportSettingsFromEnv(): KeyImportSettings {
  const allowPrivateAddresses = integerSetting("JWKS_ALLOW_PRIVATE_ADDRESSES", { default: 0, min: 0, what: "0 or 1" }) !== 0;
  try {
    return keyImportSettings({
      githubUrl: process.env.GITHUB_URL?.trim() || undefined,
      gitlabUrl: process.env.GITLAB_URL?.trim() || undefined,
      allowPrivateAddresses,
    });
  } catch (error) {
    throw new TypeError(`GITHUB_URL and GITLAB_URL must be http(s) base URLs: ${(error as Error).message}`);
  }
}
