import { Alert, Box, Button, CardContent, TextField, Typography } from '@mui/material';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Login, useLogin } from 'react-admin';
import { postJson, signInRequest, type SignInAnswer } from './sign-in';

type Step =
  | { kind: 'password' }
  | { kind: 'code'; ticket?: string }
  | { kind: 'enrol'; token: string; secret: string; qr: string }
  | { kind: 'codes'; token: string; codes: string[] };

/**
 * Sign-in in the steps the server asks for: email and password; then the authenticator's code when
 * the account has a second factor (MFA_REQUIRED); or, when the role requires one the user has not
 * set up, the enrolment (QR code, first code, the recovery codes to keep) before the console opens.
 * "Sign in with ..." goes to a single sign-on provider, which sends the browser back here with a
 * one-time ticket (`?sso_ticket=`) that takes the same steps.
 */
export function LoginPage() {
  const login = useLogin();
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [providers, setProviders] = useState<{ id: string; name: string; start: string }[]>([]);
  const ssoHandled = useRef(false);

  useEffect(() => {
    fetch('/api/auth/oidc/providers')
      .then((r) => (r.ok ? r.json() : []))
      .then(setProviders)
      .catch(() => setProviders([]));
  }, []);

  const run = (work: () => Promise<void>) => async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Sign-in failed');
    } finally {
      setBusy(false);
    }
  };

  /** What every way of signing in answers: a code to ask, an enrolment to lead, or a session. */
  const answered = async (res: SignInAnswer, ticket?: string) => {
    if (res.body.code === 'MFA_REQUIRED' || res.body.code === 'MFA_INVALID') {
      if (step.kind === 'code') setError(res.body.message ?? 'The code is wrong');
      setStep({ kind: 'code', ticket });
      setCode('');
      return;
    }
    if (!res.ok || !res.body.token) throw new Error(res.body.message ?? 'Sign-in failed');
    if (res.body.mfa_enrolment_required) {
      const setup = await postJson('/auth/mfa/setup', {}, res.body.token);
      if (!setup.ok) throw new Error(setup.body.message ?? 'The second factor could not be set up');
      setStep({ kind: 'enrol', token: res.body.token, secret: String(setup.body.secret), qr: String(setup.body.qr_code) });
      setCode('');
      return;
    }
    await login({ token: res.body.token });
  };

  const signIn = run(async () => {
    const ticket = step.kind === 'code' ? step.ticket : undefined;
    const res = ticket ? await postJson('/auth/oidc/complete', { ticket, code }) : await signInRequest(email, password, step.kind === 'code' ? code : undefined);
    await answered(res, ticket);
  });

  // Back from a single sign-on provider: trade the ticket (once), or say why it failed.
  useEffect(() => {
    if (ssoHandled.current) return;
    ssoHandled.current = true;
    const params = new URLSearchParams(window.location.search);
    const ticket = params.get('sso_ticket');
    const failed = params.get('sso_error');
    if (!ticket && !failed) return;
    window.history.replaceState(null, '', window.location.pathname + window.location.hash);
    if (failed) return setError(failed);
    setBusy(true);
    postJson('/auth/oidc/complete', { ticket })
      .then((res) => answered(res, ticket!))
      .catch((err) => setError(err instanceof Error ? err.message : 'Sign-in failed'))
      .finally(() => setBusy(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const confirm = run(async () => {
    if (step.kind !== 'enrol') return;
    const res = await postJson('/auth/mfa/confirm', { code }, step.token);
    if (!res.ok) throw new Error(res.body.message ?? 'The code is wrong');
    setStep({ kind: 'codes', token: step.token, codes: res.body.recovery_codes as string[] });
  });

  const finish = run(async () => {
    if (step.kind === 'codes') await login({ token: step.token });
  });

  return (
    <Login>
      <CardContent sx={{ width: 320 }}>
        {error && (
          <Alert severity="error" sx={{ mb: 2 }} role="alert">
            {error}
          </Alert>
        )}
        {(step.kind === 'password' || step.kind === 'code') && (
          <form onSubmit={signIn}>
            {!(step.kind === 'code' && step.ticket) && (
              <>
                <TextField name="username" label="Email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} fullWidth margin="dense" required disabled={step.kind === 'code'} />
                <TextField name="password" label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} fullWidth margin="dense" required disabled={step.kind === 'code'} />
              </>
            )}
            {step.kind === 'code' && (
              <TextField name="code" label="Code from your authenticator app (or a recovery code)" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} fullWidth margin="dense" required autoFocus />
            )}
            <Button type="submit" variant="contained" fullWidth sx={{ mt: 2 }} disabled={busy}>
              Sign in
            </Button>
            {step.kind === 'password' &&
              providers.map((p) => (
                <Button key={p.id} variant="outlined" fullWidth sx={{ mt: 1 }} href={p.start} disabled={busy}>
                  Sign in with {p.name}
                </Button>
              ))}
          </form>
        )}
        {step.kind === 'enrol' && (
          <form onSubmit={confirm}>
            <Typography variant="subtitle1" gutterBottom>
              Set up your second factor
            </Typography>
            <Typography variant="body2" gutterBottom>
              Your role requires one. Scan this code with an authenticator app, then enter the 6-digit code it shows.
            </Typography>
            <Box component="img" src={step.qr} alt="QR code for your authenticator app" sx={{ display: 'block', mx: 'auto', my: 1, width: 200, height: 200 }} />
            <Typography variant="caption" component="p" sx={{ wordBreak: 'break-all' }}>
              Or enter this key: <code data-testid="mfa-secret">{step.secret}</code>
            </Typography>
            <TextField name="code" label="Code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} fullWidth margin="dense" required autoFocus />
            <Button type="submit" variant="contained" fullWidth sx={{ mt: 2 }} disabled={busy}>
              Confirm
            </Button>
          </form>
        )}
        {step.kind === 'codes' && (
          <form onSubmit={finish}>
            <Typography variant="subtitle1" gutterBottom>
              Keep these recovery codes
            </Typography>
            <Typography variant="body2" gutterBottom>
              Each signs you in once if you lose your authenticator. They are not shown again.
            </Typography>
            <Box component="ul" data-testid="recovery-codes" sx={{ fontFamily: 'monospace', pl: 3 }}>
              {step.codes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </Box>
            <Button type="submit" variant="contained" fullWidth sx={{ mt: 2 }} disabled={busy}>
              I have saved them: continue
            </Button>
          </form>
        )}
      </CardContent>
    </Login>
  );
}
