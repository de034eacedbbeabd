// A real OpenID Connect provider for naravard's tests: panva's oidc-provider (npm), configured from a JSON
// file given as the only argument. Started by tests/oidc_fixtures.py; prints "listening <issuer>" when ready.
//
// The configuration: {"port": 0, "clients": [<client metadata>], "accounts_file": "<path>",
// "scopes": {"<scope>": ["<claim>", ...]}}; the accounts file, {"<login>": {<claims>}}, is read at each
// login, so a test can add the users it needs while the provider runs. The provider's own development login form (devInteractions)
// signs in any login name; an account's claims are those configured for it, and a login that is not
// configured gets only its subject (so the relying party sees an identity it cannot map). Consent is
// granted on the spot for the configured clients (first-party clients, as a region's IdP treats its own
// services), so a login is: the provider's login form, then straight back to the client.
import { readFileSync } from 'node:fs';
import Provider, { interactionPolicy } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const claimsByScope = { openid: ['sub'], ...config.scopes };
// The clients are "native" so that their loopback redirect URIs match on any port (RFC 8252 7.3: the test
// servers take free ports); native clients are asked for consent each time unless this check is dropped.
const policy = interactionPolicy.base();
policy.get('consent').checks.remove('native_client_prompt');

const provider = new Provider(issuer, {
  clients: config.clients,
  scopes: Object.keys(claimsByScope),
  claims: claimsByScope,
  // the configured claims go into the ID token too (not only to userinfo): the relying party maps one
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  interactions: { policy },
  async findAccount(_ctx, sub) {
    const accounts = JSON.parse(readFileSync(config.accounts_file, 'utf8'));
    const claims = accounts[sub] ?? {};
    return { accountId: sub, async claims() { return { ...claims, sub }; } };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({
      accountId: ctx.oidc.session.accountId,
      clientId: ctx.oidc.client.clientId,
    });
    grant.addOIDCScope(Object.keys(claimsByScope).join(' '));
    await grant.save();
    return grant;
  },
});

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
