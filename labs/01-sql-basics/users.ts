// CRUD on users. Every value travels as a parameter ($1, $2, ...), never inside the SQL text:
// the server receives the statement and the values separately, so no input can change the query.
import type { Queryable } from './db.ts';
import { DuplicateEmailError, UserNotFoundError } from './errors.ts';
import { isPgError, PgErrorCode } from './pg-errors.ts';

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

export async function createUser(db: Queryable, input: NewUser): Promise<User> {
  // TODO: INSERT INTO users (email, name) VALUES ($1, $2) RETURNING ${USER_COLUMNS}, and return rows[0]
  // TODO: wrap it in try/catch: if isPgError(error, PgErrorCode.UNIQUE_VIOLATION), throw new DuplicateEmailError(input.email, { cause: error }); otherwise rethrow
  throw new Error('not implemented yet: createUser (labs/01-sql-basics/users.ts)');
}

export async function findUserByEmail(db: Queryable, email: string): Promise<User | null> {
  // TODO: SELECT ${USER_COLUMNS} FROM users WHERE email = $1; return the first row, or null when there is none
  throw new Error('not implemented yet: findUserByEmail (labs/01-sql-basics/users.ts)');
}

export async function renameUser(db: Queryable, id: number, name: string): Promise<User> {
  // TODO: UPDATE users SET name = $2 WHERE id = $1 RETURNING ${USER_COLUMNS}
  // TODO: no row came back? throw new UserNotFoundError(id); else return it
  throw new Error('not implemented yet: renameUser (labs/01-sql-basics/users.ts)');
}

/** Deletes the user (and, through ON DELETE CASCADE, their posts). False if there was no such user. */
export async function deleteUser(db: Queryable, id: number): Promise<boolean> {
  // TODO: DELETE FROM users WHERE id = $1, and return whether rowCount is 1
  throw new Error('not implemented yet: deleteUser (labs/01-sql-basics/users.ts)');
}
