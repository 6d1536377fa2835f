// Lab 01's public surface, for later labs to build on.
export type { Queryable } from './db.ts';
export { DuplicateEmailError, PostNotFoundError, UserNotFoundError } from './errors.ts';
export { isPgError, PgErrorCode } from './pg-errors.ts';
export { applySchema, SCHEMA } from './schema.ts';
export { createUser, deleteUser, findUserByEmail, renameUser, type NewUser, type User } from './users.ts';
export {
  authorsWithAtLeast,
  createPost,
  listPostsWithAuthors,
  type AuthorStats,
  type NewPost,
  type Post,
  type PostWithAuthor,
} from './posts.ts';
export { withTransaction } from './transaction.ts';
export { signUpWithFirstPost, type SignUpInput } from './sign-up.ts';
export { likeAtomically, likeSerializable, likeWithRowLock, type SerializableOptions } from './likes.ts';
