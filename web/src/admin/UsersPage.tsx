import { useState, type FormEvent } from 'react';
import { call, type AccountRow, type Role, type User } from './api.ts';
import { ErrorNotice, SelectField, TextField, useAction, useLimits, useLoad } from './parts.tsx';
import { useAdminText } from './text.ts';

const ROLES: Role[] = ['admin', 'merchandiser', 'associate'];

/** Accounts (admins only): create, change the role, disable, set a new password. */
export function UsersPage({ me }: { me: User }) {
  const { t } = useAdminText();
  const { passwordMinLength } = useLimits();
  const list = useLoad(() => call<{ items: AccountRow[] }>('GET', '/api/admin/users'), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('merchandiser');
  const [password, setPassword] = useState('');
  const [resetFor, setResetFor] = useState<string>();
  const [newPassword, setNewPassword] = useState('');
  const action = useAction();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await action.run(() => call('POST', '/api/admin/users', { email, role, password }));
    if (ok === undefined) return;
    setEmail('');
    setPassword('');
    list.reload();
  };
  const change = (u: AccountRow, body: Record<string, unknown>) => action.run(async () => {
    await call('PATCH', `/api/admin/users/${u.id}`, body);
    setResetFor(undefined);
    setNewPassword('');
    list.reload();
  });

  return (
    <section className="admin-page" aria-labelledby="users-title">
      <h1 id="users-title" className="section-title">
        {t('users.title')}
      </h1>
      <ErrorNotice error={action.error ?? list.error} />
      <div className="admin-table-wrap">
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('signin.email')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('field.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.items ?? []).map((u) => (
              <tr key={u.id} className={u.disabled ? 'is-archived' : undefined}>
                <td>
                  {u.email}
                  {u.id === me.id && <span className="hint"> ({t('users.you')})</span>}
                </td>
                <td>
                  <select value={u.role} disabled={u.id === me.id} onChange={(e) => change(u, { role: e.target.value })} aria-label={t('users.roleOf', { email: u.email })}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`role.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {u.disabled ? t('users.disabled') : t('users.enabled')}
                </td>
                <td className="actions">
                  {u.id !== me.id && (
                    <button type="button" className="button button--small button--quiet" onClick={() => change(u, { disabled: !u.disabled })}>
                      {u.disabled ? t('users.enable') : t('users.disable')}
                    </button>
                  )}
                  {resetFor === u.id ? (
                    <form className="admin-inline" onSubmit={(e) => (e.preventDefault(), change(u, { password: newPassword }))}>
                      <input type="password" value={newPassword} onChange={(e) => setNewPassword(e.target.value)} aria-label={t('users.newPasswordFor', { email: u.email })} autoComplete="new-password" required />
                      <button type="submit" className="button button--small">
                        {t('action.save')}
                      </button>
                    </form>
                  ) : (
                    <button type="button" className="button button--small" onClick={() => setResetFor(u.id)}>
                      {t('users.resetPassword')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <form className="admin-card admin-form" onSubmit={create} aria-labelledby="new-user">
        <h2 id="new-user">{t('users.new')}</h2>
        <div className="admin-row">
          <TextField label={t('signin.email')} type="email" value={email} onChange={setEmail} autoComplete="off" required />
          <SelectField<Role> label={t('users.role')} value={role} onChange={setRole} options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        </div>
        <TextField label={t('signin.password')} type="password" value={password} onChange={setPassword} autoComplete="new-password" hint={t('account.nextHint', { min: passwordMinLength })} required />
        <button type="submit" className="button button--primary" disabled={action.pending}>
          {t('users.create')}
        </button>
      </form>
    </section>
  );
}
