/**
 * Every YAML we print goes through the `yaml` package: quoting, escaping and comments are the serializer's job, so
 * a path with `: ` or ` #` in it can never change the document's structure.
 */
import { Document } from 'yaml';
import { invalidArgValue } from '@ephemeral-ports/core';

/** Serializes `value` with `comment` (one or more lines) above it; long strings are never folded. */
export function toYaml(value: unknown, comment?: string): string {
  const doc = new Document(value);
  if (comment) doc.commentBefore = comment.split('\n').map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 0 });
}

// C0 controls (newline, tab, escape...), DEL and C1 controls: refused, because the sysctl.d and shell outputs are
// line-based and an embedded newline would start a new directive there.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** Refuses a user-given text that contains control characters (`ERR_INVALID_ARG_VALUE`). */
export function checkOneLine(name: string, value: string): string {
  if (CONTROL.test(value)) throw invalidArgValue(name, value, 'must not contain newlines or other control characters');
  return value;
}
