import { useRef, useState, type FormEvent } from 'react';
import { call, type AccountRow, type Role, type User } from './api.ts';
import { ErrorNotice, SelectField, TextField, useAction, useLimits, useLoad } from './parts.tsx';
import { useAdminText } from './text.ts';

const ROLES: Role[] = ['admin', 'merchandiser', 'associate'];

/** What an admin typed as a store: trimmed, and an empty field is no store. */
const storeOf = (text: string) => text.trim() || null;

/**
 * An account's store, edited in place: saved when the field is left or Enter pressed, and only if it
 * changed. The store decides whose renders an associate's History shows.
 */
function StoreCell({ account, onSave }: { account: AccountRow; onSave(store: string | null): void }) {
  const { t } = useAdminText();
  const [text, setText] = useState(account.store ?? '');
  // What was last sent, so Enter then leaving the field saves once.
  const sent = useRef(account.store);
  const commit = () => {
    if (storeOf(text) === sent.current) return;
    sent.current = storeOf(text);
    onSave(sent.current);
  };
  return (
    <input
      type="text"
      value={text}
      maxLength={80}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), commit())}
      aria-label={t('users.storeOf', { email: account.email })}
      placeholder={t('users.noStore')}
    />
  );
}

/** Accounts (admins only): create, change the role and store, disable, set a new password. */
export function UsersPage({ me }: { me: User }) {
  const { t } = useAdminText();
  const { passwordMinLength } = useLimits();
  const list = useLoad(() => call<{ items: AccountRow[] }>('GET', '/api/admin/users'), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('merchandiser');
  const [password, setPassword] = useState('');
  const [store, setStore] = useState('');
  const [resetFor, setResetFor] = useState<string>();
  const [newPassword, setNewPassword] = useState('');
  const action = useAction();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await action.run(() => call('POST', '/api/admin/users', { email, role, password, ...(storeOf(store) ? { store: storeOf(store) } : {}) }));
    if (ok === undefined) return;
    setEmail('');
    setPassword('');
    setStore('');
    list.reload();
  };
  const change = (u: AccountRow, body: Record<string, unknown>) =>
    action.run(async () => {
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
              <th scope="col">{t('users.store')}</th>
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
                  <select
                    value={u.role}
                    disabled={u.id === me.id}
                    onChange={(e) => change(u, { role: e.target.value })}
                    aria-label={t('users.roleOf', { email: u.email })}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`role.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <StoreCell key={`${u.id}:${u.store ?? ''}`} account={u} onSave={(s) => change(u, { store: s })} />
                </td>
                <td>{u.disabled ? t('users.disabled') : t('users.enabled')}</td>
                <td className="actions">
                  {u.id !== me.id && (
                    <button type="button" className="button button--small button--quiet" onClick={() => change(u, { disabled: !u.disabled })}>
                      {u.disabled ? t('users.enable') : t('users.disable')}
                    </button>
                  )}
                  {resetFor === u.id ? (
                    <form className="admin-inline" onSubmit={(e) => (e.preventDefault(), change(u, { password: newPassword }))}>
                      <input
                        type="password"
                        value={newPassword}
                        onChange={(e) => setNewPassword(e.target.value)}
                        aria-label={t('users.newPasswordFor', { email: u.email })}
                        autoComplete="new-password"
                        required
                      />
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
          <TextField label={t('users.store')} value={store} onChange={setStore} autoComplete="off" hint={t('users.storeHint')} />
        </div>
        <TextField
          label={t('signin.password')}
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          hint={t('account.nextHint', { min: passwordMinLength })}
          required
        />
        <button type="submit" className="button button--primary" disabled={action.pending}>
          {t('users.create')}
        </button>
      </form>
    </section>
  );
}
