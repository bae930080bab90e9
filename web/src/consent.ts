/** Version of the biometric processing notice shown on the consent screen (en.json/es.json
 * `consent.*`). Change it whenever that text changes: the API records it with the consent. */
export const CONSENT_POLICY_VERSION = 'biometric-2026-11';
