// Copied-solution flags: solutions/ ships in every learner's checkout, so the grader compares each
// learner file with the reference, normalised (TypeScript's own scanner drops comments and
// whitespace), and flags a file that is identical or nearly so. It only reports: the instructor
// decides what a flag means (a learner may have finished with the same code in good faith).
import ts from 'typescript';

/** A learner file that matches the reference solution. */
export interface CopyFlag {
  /** Relative to the checkout, e.g. `labs/05-redis-structures/keys.ts`. */
  file: string;
  /** 1 for identical once comments and whitespace are gone; else the share of shared 5-token runs. */
  similarity: number;
  identical: boolean;
}

/** At or above this share of shared token runs (and not identical), a file is near-identical. */
export const NEAR_IDENTICAL = 0.9;
/** Files this short say nothing (a re-export, a constant): too few tokens to tell. */
const MIN_TOKENS = 40;
const SHINGLE = 5;
/**
 * A starter this close to its reference (a leak to fix in a working file) is finished with a few
 * lines, the same ones any learner writes: a match there says nothing, so it is never flagged.
 */
const STARTER_TOO_CLOSE = 0.85;

/** The file's tokens without comments and whitespace (string and template text kept). */
export function tokensOf(source: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard, source);
  const tokens: string[] = [];
  // Open `{` counts per template literal being read: a `}` at count 0 resumes the template's text.
  const templates: number[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken && templates.length) templates[templates.length - 1]!++;
    if (kind === ts.SyntaxKind.CloseBraceToken && templates.length) {
      if (templates.at(-1) === 0) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === ts.SyntaxKind.TemplateTail) templates.pop();
      } else templates[templates.length - 1]!--;
    }
    if (kind === ts.SyntaxKind.TemplateHead) templates.push(0);
    // `;` and `,` are optional in places: a copy with its semicolons removed is still a copy.
    if (kind === ts.SyntaxKind.SemicolonToken || kind === ts.SyntaxKind.CommaToken) continue;
    tokens.push(scanner.getTokenText());
  }
  return tokens;
}

function shingles(tokens: string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + SHINGLE <= tokens.length; i++) out.add(tokens.slice(i, i + SHINGLE).join('\u0001'));
  return out;
}

/** Pure: how close a learner file is to the reference, 0..1 (Jaccard index of 5-token runs; 1 when identical). */
export function similarity(learner: string, reference: string): number {
  const a = tokensOf(learner);
  const b = tokensOf(reference);
  if (a.join('\u0001') === b.join('\u0001')) return 1;
  const sa = shingles(a);
  const sb = shingles(b);
  let shared = 0;
  for (const s of sa) if (sb.has(s)) shared++;
  const union = sa.size + sb.size - shared;
  return union === 0 ? 0 : shared / union;
}

export interface CopyCandidate {
  file: string;
  learner: string;
  reference: string;
  /** The lab's starter of this file: a file whose starter is already close to the reference is never flagged. */
  starter: string;
}

/** Pure: the flags for one lab's files. */
export function findCopies(candidates: CopyCandidate[]): CopyFlag[] {
  const flags: CopyFlag[] = [];
  for (const c of candidates) {
    if (tokensOf(c.reference).length < MIN_TOKENS) continue;
    if (similarity(c.starter, c.reference) >= STARTER_TOO_CLOSE) continue;
    const score = similarity(c.learner, c.reference);
    if (score >= NEAR_IDENTICAL) flags.push({ file: c.file, similarity: Math.round(score * 1000) / 1000, identical: score === 1 });
  }
  return flags;
}
