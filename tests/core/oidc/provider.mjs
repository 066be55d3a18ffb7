// A real OpenID Connect provider (npm's oidc-provider) for the single sign-on tests, started by
// tests/core/oidc/provider.py on the loopback. Its development interactions sign in any account
// id typed in the login form (the password is ignored) and ask for consent once.
// Environment: OIDC_TEST_PORT, OIDC_TEST_CLIENT (JSON client metadata), OIDC_TEST_ACCOUNTS
// (JSON {sub: claims}).
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_TEST_PORT);
const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [JSON.parse(process.env.OIDC_TEST_CLIENT)],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name'],
    roles: ['roles'],
  },
  // Claims in the ID token too, as Keycloak does; the app reads them from the userinfo endpoint.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, sub) {
    if (!accounts[sub]) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) };
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${provider.issuer}`);
});
