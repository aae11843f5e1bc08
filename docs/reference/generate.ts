// `npm run docs:build` runs this first: the GraphQL reference from schema/schema.graphql (every type,
// field and argument is described: test/schema-docs.test.ts) and the agent library's API from the
// JSDoc of agent/, written next to this file (not committed: they are made from the sources).
import { readFileSync, writeFileSync } from 'node:fs';
import {
  buildSchema,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
} from 'graphql';
import ts from 'typescript';

const here = (file: string) => new URL(file, import.meta.url);
const esc = (text: string | null | undefined) =>
  (text ?? '').replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('\n', ' ');

function graphqlReference(): string {
  const schema = buildSchema(readFileSync(here('../../schema/schema.graphql'), 'utf8'));
  const types = Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith('__'))
    .sort((a, b) => a.name.localeCompare(b.name));
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(
    (t) => t !== null && t !== undefined,
  );
  const args = (list: readonly GraphQLArgument[]) =>
    list.length === 0
      ? ''
      : `<br>${list.map((a) => `\`${a.name}: ${a.type}${a.defaultValue === undefined ? '' : ` = ${JSON.stringify(a.defaultValue)}`}\` ${esc(a.description)}`).join('<br>')}`;
  const fieldRows = (fields: ReadonlyArray<GraphQLField<unknown, unknown>>) =>
    fields.map(
      (f) =>
        `| \`${f.name}\` | \`${esc(String(f.type))}\` | ${esc(f.description)}${args(f.args)}${f.deprecationReason ? ` **Deprecated:** ${esc(f.deprecationReason)}` : ''} |`,
    );
  const section = (type: GraphQLNamedType): string[] => {
    const out = [`### ${type.name}`, '', esc(type.description), ''];
    if (isObjectType(type) || isInterfaceType(type))
      out.push('| Field | Type | Description |', '|---|---|---|', ...fieldRows(Object.values(type.getFields())));
    else if (isInputObjectType(type))
      out.push(
        '| Field | Type | Description |',
        '|---|---|---|',
        ...Object.values(type.getFields()).map((f) => `| \`${f.name}\` | \`${esc(String(f.type))}\` | ${esc(f.description)} |`),
      );
    else if (isEnumType(type))
      out.push(
        '| Value | Description |',
        '|---|---|',
        ...type.getValues().map((v) => `| \`${v.name}\` | ${esc(v.description)} |`),
      );
    else if (isScalarType(type) && type.specifiedByURL) out.push(`Specified by ${type.specifiedByURL}.`);
    return [...out, ''];
  };
  const rootNames = new Set(roots.map((r) => r?.name));
  return [
    '# GraphQL reference',
    '',
    'Generated from the schema the server serves at `/graphql` (try it in GraphiQL there). Who may use each field is in its description; see also [Querying](../querying.md) and [Accounts](../accounts.md).',
    '',
    '## Operations',
    '',
    ...roots.flatMap((r) => (r ? section(r) : [])),
    '## Types',
    '',
    ...types.filter((t) => !rootNames.has(t.name)).flatMap(section),
  ].join('\n');
}

/** The agent's public API: exported declarations of these files with their JSDoc. */
const AGENT_FILES = ['device.ts', 'device-options.ts', 'peers.ts', 'commands.ts', 'run-scripts.ts', 'backoff.ts'];

function agentReference(): string {
  const out = [
    '# Agent library API',
    '',
    'Generated from the JSDoc of `agent/`. How to use it, with examples: [Agent](../agent.md).',
    '',
  ];
  for (const file of AGENT_FILES) {
    const path = here(`../../agent/${file}`);
    const source = ts.createSourceFile(file, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2023, true);
    const doc = (node: ts.Node) =>
      ts
        .getJSDocCommentsAndTags(node)
        .map((d) => (typeof d.comment === 'string' ? d.comment : ''))
        .join(' ')
        .trim();
    const exported = (node: ts.Node) =>
      ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const head = (node: ts.Node) => {
      const text = node.getText(source);
      const body = 'body' in node && node.body ? (node.body as ts.Node).getStart(source) - node.getStart(source) : text.length;
      return text.slice(0, body).replace(/\s+/g, ' ').trim();
    };
    const lines: string[] = [];
    for (const node of source.statements) {
      if (!exported(node)) continue;
      if (ts.isClassDeclaration(node) && node.name) {
        lines.push(`### class ${node.name.text}`, '', doc(node), '', '| Member | Description |', '|---|---|');
        const overloaded = new Set<string>();
        for (const m of node.members) {
          const isPrivate = ts.getModifiers(m as ts.HasModifiers)?.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword);
          const shown =
            ts.isPropertyDeclaration(m) || ts.isMethodDeclaration(m) || ts.isGetAccessor(m) || ts.isConstructorDeclaration(m);
          if (isPrivate || !shown) continue;
          // Overloads: their signatures show, not the implementation's.
          const name = m.name?.getText(source) ?? '';
          if (ts.isMethodDeclaration(m) && m.body === undefined) overloaded.add(name);
          else if (ts.isMethodDeclaration(m) && overloaded.has(name)) continue;
          lines.push(`| \`${esc(head(m))}\` | ${esc(doc(m))} |`);
        }
        lines.push('');
      } else if (ts.isInterfaceDeclaration(node)) {
        lines.push(`### interface ${node.name.text}`, '', doc(node), '', '| Member | Description |', '|---|---|');
        for (const m of node.members)
          lines.push(
            `| \`${esc(
              m
                .getText(source)
                .replace(/\/\*\*[\s\S]*?\*\/\s*/g, '')
                .replace(/\s+/g, ' '),
            )}\` | ${esc(doc(m))} |`,
          );
        lines.push('');
      } else if (ts.isFunctionDeclaration(node) && node.name) {
        lines.push(`### function ${node.name.text}`, '', '```ts', head(node), '```', '', doc(node), '');
      } else if (ts.isTypeAliasDeclaration(node)) {
        lines.push(
          `### type ${node.name.text}`,
          '',
          '```ts',
          node.getText(source).replace(/\/\*\*[\s\S]*?\*\/\s*/g, ''),
          '```',
          '',
          doc(node),
          '',
        );
      } else if (ts.isVariableStatement(node)) {
        for (const d of node.declarationList.declarations)
          lines.push(`### const ${d.name.getText(source)}`, '', doc(node), '', '```ts', d.getText(source), '```', '');
      }
    }
    if (lines.length > 0) out.push(`## agent/${file}`, '', ...lines);
  }
  return out.join('\n');
}

writeFileSync(here('graphql.md'), `${graphqlReference()}\n`);
writeFileSync(here('agent-api.md'), `${agentReference()}\n`);
