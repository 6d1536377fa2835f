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
  // TODO: store the user and return the row as the database stored it (generated id, default
  //       createdAt), in one round trip. Values travel as parameters, never inside the SQL text.
  // TODO: a taken email is DuplicateEmailError (keep the driver's error as `cause`). Trap: only that
  //       one failure is a duplicate: tell it apart by its SQLSTATE code (pg-errors.ts) and let
  //       every other error through unchanged.
  throw new Error('not implemented yet: createUser (labs/01-sql-basics/users.ts)');
}

export async function findUserByEmail(db: Queryable, email: string): Promise<User | null> {
  // TODO: the user with this email, in the User shape (camelCase keys), or null when there is none.
  throw new Error('not implemented yet: findUserByEmail (labs/01-sql-basics/users.ts)');
}

export async function renameUser(db: Queryable, id: number, name: string): Promise<User> {
  // TODO: change the name and return the updated row, in one statement.
  // TODO: an id no user has is UserNotFoundError. Trap: the database does not raise an error for an
  //       UPDATE that matched nothing; it just reports no rows.
  throw new Error('not implemented yet: renameUser (labs/01-sql-basics/users.ts)');
}

/** Deletes the user (and, through ON DELETE CASCADE, their posts). False if there was no such user. */
export async function deleteUser(db: Queryable, id: number): Promise<boolean> {
  // TODO: delete the user; the result says whether there was one to delete (the query result
  //       tells you how many rows went).
  throw new Error('not implemented yet: deleteUser (labs/01-sql-basics/users.ts)');
}
