/**
 * docs/configuration.md, generated from the one configuration schema (src/config.ts):
 * every variable with what it accepts, its default and the doc comment it has in the
 * schema. `npm run docs:config` writes it; `--check` (in `npm run docs:check`) fails when
 * the committed file is stale, or when a variable has no doc comment.
 */
import { readFile, writeFile } from 'node:fs/promises';
import ts from 'typescript';
import { z } from 'zod';
import { configSchema } from '../src/config.js';

const DOC = new URL('../docs/configuration.md', import.meta.url).pathname;
const SOURCE = new URL('../src/config.ts', import.meta.url).pathname;

/** The doc comment of each property of `configSchema`, as written in src/config.ts. */
async function docComments(): Promise<Map<string, string>> {
  const file = ts.createSourceFile(
    SOURCE,
    await readFile(SOURCE, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
  );
  const comments = new Map<string, string>();
  const visit = (node: ts.Node) => {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText() === 'configSchema' &&
      node.initializer &&
      ts.isCallExpression(node.initializer)
    ) {
      const literal = node.initializer.arguments[0];
      if (literal && ts.isObjectLiteralExpression(literal)) {
        for (const property of literal.properties) {
          const docs = ts.getJSDocCommentsAndTags(property).filter(ts.isJSDoc);
          const text = docs
            .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
            .join(' ')
            .replace(/\s+/g, ' ')
            .trim();
          if (property.name) comments.set(property.name.getText(), text);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return comments;
}

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
};

const BOOLEAN = ['0', '1', 'false', 'no', 'true', 'yes'];

/** What a variable accepts, in a few words. */
function accepts(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(accepts).join(' or ');
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (schema.enum) {
    const values = schema.enum.map(String);
    if ([...values].sort().join() === BOOLEAN.join())
      return 'boolean (`true`/`false`, `1`/`0`, `yes`/`no`)';
    return values.map((v) => `\`${v}\``).join(', ');
  }
  if (schema.type === 'integer') {
    const range =
      schema.minimum !== undefined && schema.maximum !== undefined
        ? ` ${schema.minimum}–${schema.maximum}`
        : schema.minimum !== undefined
          ? ` ≥ ${schema.minimum}`
          : '';
    return `integer${range}`;
  }
  if (schema.format === 'uri') return 'URL';
  if (schema.pattern?.startsWith('^postgres')) return '`postgresql://` URL';
  if (schema.pattern) return `text matching \`${schema.pattern}\``;
  return 'text';
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

async function render(): Promise<string> {
  const comments = await docComments();
  const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, JsonSchema>;
  };
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated from src/config.ts by `npm run docs:config`; `npm run docs:check` fails when stale. -->',
    '',
    'Brygga reads its configuration from the environment once, at start, and validates it',
    'with one schema (`src/config.ts`). A bad value stops the process with one line naming',
    'the variable (exit code 78); an empty value counts as unset. Beyond the schema:',
    '`NODE_ENV=production` requires `IDENTITY_KEY_ENCRYPTION_KEY` and an https `PUBLIC_URL`',
    'and refuses `DEMO_IDP`; plain http `PUBLIC_URL` is accepted on loopback only;',
    '`METRICS_PORT` may not be `PORT`. The tracing preload (`src/tracing/instrumentation.ts`)',
    "also honours OpenTelemetry's own `OTEL_*` variables.",
    '',
    '| variable | accepts | default | meaning |',
    '| --- | --- | --- | --- |',
  ];
  const missing: string[] = [];
  for (const [name, schema] of Object.entries(json.properties)) {
    const comment = comments.get(name) ?? '';
    if (!comment) missing.push(name);
    const value = defaults[name];
    const fallback = value === undefined ? '—' : `\`${String(value)}\``;
    lines.push(`| \`${name}\` | ${cell(accepts(schema))} | ${cell(fallback)} | ${cell(comment)} |`);
  }
  if (missing.length > 0) {
    throw new Error(`src/config.ts: no doc comment for ${missing.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

const text = await render();
if (process.argv.includes('--check')) {
  if ((await readFile(DOC, 'utf8').catch(() => '')) !== text) {
    process.stderr.write('docs/configuration.md is stale: run `npm run docs:config`\n');
    process.exit(1);
  }
} else {
  await writeFile(DOC, text);
  process.stdout.write(`wrote ${DOC}\n`);
}
