// CRUD on users. Every value travels as a parameter ($1, $2, ...), never inside the SQL text:
// the server receives the statement and the values separately, so no input can change the query.
import type { Queryable } from './db.ts';
import { DuplicateEmailError, UserNotFoundError } from './errors.ts';
import { isPgError, PgErrorCode } from './pg-errors.ts';

// #region users
export interface User {
  id: number;
  email: string;
  name: string;
  createdAt: Date;
}

export interface NewUser {
  email: string;
  name: string;
}

// Columns are snake_case in SQL and camelCase in TypeScript: alias them once, here.
const USER_COLUMNS = `id, email, name, created_at AS "createdAt"`;

// #region create-user
export async function createUser(db: Queryable, input: NewUser): Promise<User> {
  try {
    const { rows } = await db.query<User>(
      `INSERT INTO users (email, name) VALUES ($1, $2) RETURNING ${USER_COLUMNS}`,
      [input.email, input.name],
    );
    return rows[0]!;
  } catch (error) {
    // Only the failure we can name becomes a domain error; anything else goes up untouched.
    if (isPgError(error, PgErrorCode.UNIQUE_VIOLATION)) throw new DuplicateEmailError(input.email, { cause: error });
    throw error;
  }
}
// #endregion create-user

export async function findUserByEmail(db: Queryable, email: string): Promise<User | null> {
  const { rows } = await db.query<User>(`SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [email]);
  return rows[0] ?? null;
}

// #region rename-user
export async function renameUser(db: Queryable, id: number, name: string): Promise<User> {
  const { rows } = await db.query<User>(`UPDATE users SET name = $2 WHERE id = $1 RETURNING ${USER_COLUMNS}`, [id, name]);
  if (rows.length === 0) throw new UserNotFoundError(id);
  return rows[0]!;
}
// #endregion rename-user

/** Deletes the user (and, through ON DELETE CASCADE, their posts). False if there was no such user. */
export async function deleteUser(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM users WHERE id = $1', [id]);
  return rowCount === 1;
}
// #endregion users
