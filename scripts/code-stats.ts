// Counts type-safety escape hatches (explicit any, casts, non-null assertions), long functions and file sizes per folder,
// so a refactor can be compared before/after: node scripts/code-stats.ts [root] [--json]
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const FOLDERS = ['src', 'test', 'bench', 'scripts'] as const;
type Folder = (typeof FOLDERS)[number];

const LONG = 50;
const MEDIUM = 30;

interface Counts {
  files: number;
  lines: number;
  explicitAny: number;
  casts: number;
  doubleCasts: number;
  nonNull: number;
  functions: number;
  functionsOver30: number;
  functionsOver50: number;
}

interface FunctionInfo {
  file: string;
  line: number;
  name: string;
  lines: number;
}

interface FileStats extends Counts {
  path: string;
  folder: Folder;
  longFunctions: FunctionInfo[];
}

function emptyCounts(): Counts {
  return { files: 0, lines: 0, explicitAny: 0, casts: 0, doubleCasts: 0, nonNull: 0, functions: 0, functionsOver30: 0, functionsOver50: 0 };
}

function addCounts(into: Counts, from: Counts): void {
  into.files += from.files;
  into.lines += from.lines;
  into.explicitAny += from.explicitAny;
  into.casts += from.casts;
  into.doubleCasts += from.doubleCasts;
  into.nonNull += from.nonNull;
  into.functions += from.functions;
  into.functionsOver30 += from.functionsOver30;
  into.functionsOver50 += from.functionsOver50;
}

function listTsFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...listTsFiles(full));
    } else if (entry.isFile() && entry.name.endsWith('.ts')) {
      out.push(full);
    }
  }
  return out.sort();
}

/** Lines as `wc -l` counts them for a file that ends in a newline (a trailing newline does not start a new line). */
function countLines(sf: ts.SourceFile): number {
  const starts = sf.getLineStarts().length;
  return sf.text.length === 0 ? 0 : sf.text.endsWith('\n') ? starts - 1 : starts;
}

type Assertion = ts.AsExpression | ts.TypeAssertion;

function isAssertion(node: ts.Node): node is Assertion {
  return ts.isAsExpression(node) || ts.isTypeAssertionExpression(node);
}

function isConstAssertion(node: Assertion): boolean {
  return ts.isTypeReferenceNode(node.type) && ts.isIdentifier(node.type.typeName) && node.type.typeName.text === 'const';
}

function skipParens(node: ts.Node): ts.Node {
  let n = node;
  while (ts.isParenthesizedExpression(n)) n = n.expression;
  return n;
}

function parentSkippingParens(node: ts.Node): ts.Node {
  let p = node.parent;
  while (ts.isParenthesizedExpression(p)) p = p.parent;
  return p;
}

function oneLine(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function propertyNameText(name: ts.PropertyName, sf: ts.SourceFile): string {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return oneLine(name.getText(sf));
}

function classNameOf(node: ts.ClassLikeDeclaration): string {
  if (node.name) return node.name.text;
  const p = parentSkippingParens(node);
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return '<class>';
}

function containerPrefix(node: ts.Node): string {
  return ts.isClassLike(node.parent) ? `${classNameOf(node.parent)}.` : '';
}

/** A readable name for a function: its own name, or where it sits (variable, property, call argument). */
function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return `${containerPrefix(node)}constructor`;
  if (ts.isGetAccessorDeclaration(node)) return `${containerPrefix(node)}get ${propertyNameText(node.name, sf)}`;
  if (ts.isSetAccessorDeclaration(node)) return `${containerPrefix(node)}set ${propertyNameText(node.name, sf)}`;
  if (ts.isMethodDeclaration(node)) return `${containerPrefix(node)}${propertyNameText(node.name, sf)}`;
  if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.name) return node.name.text;
  if (ts.isFunctionDeclaration(node)) return 'default export';

  // Anonymous arrow function or function expression: name it after its context.
  let child: ts.Node = node;
  let p = node.parent;
  while (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p)) {
    child = p;
    p = p.parent;
  }
  if (ts.isVariableDeclaration(p)) return oneLine(p.name.getText(sf));
  if (ts.isPropertyAssignment(p)) return propertyNameText(p.name, sf);
  if (ts.isPropertyDeclaration(p)) return `${containerPrefix(p)}${propertyNameText(p.name, sf)}`;
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) return oneLine(p.left.getText(sf));
  if (ts.isExportAssignment(p)) return 'default export';
  if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
    const callee = oneLine(p.expression.getText(sf));
    const first = p.arguments?.[0];
    const label = first && first !== child && ts.isStringLiteralLike(first) ? `'${oneLine(first.text)}'` : '…';
    return `${ts.isNewExpression(p) ? 'new ' : ''}${callee}(${label}) callback`;
  }
  const outer = enclosingFunction(p);
  if (!outer) return '<anonymous>';
  const returned = ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === child);
  return returned ? `function returned by ${functionName(outer, sf)}` : `<anonymous in ${functionName(outer, sf)}>`;
}

function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let n: ts.Node | undefined = node; n && !ts.isSourceFile(n); n = n.parent) {
    if (isCountedFunction(n)) return n;
  }
  return undefined;
}

function isCountedFunction(node: ts.Node): node is ts.FunctionLikeDeclaration {
  if (ts.isArrowFunction(node)) return true;
  if (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  ) {
    return node.body !== undefined; // overload signatures and abstract members have no body
  }
  return false;
}

function analyzeFile(root: string, fullPath: string, folder: Folder): FileStats {
  const path = relative(root, fullPath).split(sep).join('/');
  const sf = ts.createSourceFile(path, readFileSync(fullPath, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const stats: FileStats = { ...emptyCounts(), path, folder, files: 1, lines: countLines(sf), longFunctions: [] };

  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      stats.explicitAny++;
    } else if (isAssertion(node) && !isConstAssertion(node)) {
      // A chain such as `x as unknown as T` is one cast site; the inner assertion is not counted on its own.
      if (!isAssertion(parentSkippingParens(node))) {
        stats.casts++;
        const inner = skipParens(node.expression);
        if (isAssertion(inner) && inner.type.kind === ts.SyntaxKind.UnknownKeyword) stats.doubleCasts++;
      }
    } else if (ts.isNonNullExpression(node)) {
      stats.nonNull++;
    } else if (isCountedFunction(node)) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const length = end - start + 1;
      stats.functions++;
      if (length > MEDIUM) stats.functionsOver30++;
      if (length > LONG) {
        stats.functionsOver50++;
        stats.longFunctions.push({ file: path, line: start + 1, name: functionName(node, sf), lines: length });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return stats;
}

interface Report {
  root: string;
  folders: Record<Folder, Counts>;
  total: Counts;
  functionsOver50: FunctionInfo[];
  largestSrcFiles: { file: string; lines: number }[];
  files: Omit<FileStats, 'longFunctions'>[];
}

function buildReport(root: string): Report {
  const folders: Record<Folder, Counts> = { src: emptyCounts(), test: emptyCounts(), bench: emptyCounts(), scripts: emptyCounts() };
  const total = emptyCounts();
  const files: FileStats[] = [];
  for (const folder of FOLDERS) {
    const counts = folders[folder];
    for (const file of listTsFiles(join(root, folder))) {
      const stats = analyzeFile(root, file, folder);
      files.push(stats);
      addCounts(counts, stats);
    }
    addCounts(total, counts);
  }
  const src = files.filter((f) => f.folder === 'src');
  return {
    root,
    folders,
    total,
    functionsOver50: files.flatMap((f) => f.longFunctions),
    largestSrcFiles: src
      .map((f) => ({ file: f.path, lines: f.lines }))
      .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file))
      .slice(0, 10),
    files: files.map(({ longFunctions: _, ...rest }) => rest),
  };
}

const ROWS: [keyof Counts, string][] = [
  ['files', 'files'],
  ['lines', 'lines'],
  ['explicitAny', 'explicit any'],
  ['casts', 'casts (as T, <T>x; not as const)'],
  ['doubleCasts', '  of which as unknown as T'],
  ['nonNull', 'non-null assertions (x!)'],
  ['functions', 'functions'],
  ['functionsOver30', `functions > ${MEDIUM} lines`],
  ['functionsOver50', `functions > ${LONG} lines`],
];

function formatText(report: Report): string {
  const columns: [string, Counts][] = [...FOLDERS.map((f): [string, Counts] => [f, report.folders[f]]), ['total', report.total]];
  const labelWidth = Math.max(...ROWS.map(([, label]) => label.length));
  const out: string[] = [`Code stats for ${report.root}`, ''];
  out.push(`${''.padEnd(labelWidth)}${columns.map(([name]) => name.padStart(9)).join('')}`);
  for (const [key, label] of ROWS) {
    out.push(`${label.padEnd(labelWidth)}${columns.map(([, c]) => String(c[key]).padStart(9)).join('')}`);
  }

  const longSrc = report.functionsOver50.filter((f) => f.file.startsWith('src/'));
  out.push('', `Functions over ${LONG} lines in src (${longSrc.length}):`);
  const locations = longSrc.map((f) => `${f.file}:${f.line}`);
  const locWidth = Math.max(0, ...locations.map((l) => l.length));
  longSrc.forEach((f, i) => {
    out.push(`  ${(locations[i] ?? '').padEnd(locWidth)}  ${String(f.lines).padStart(4)}  ${f.name}`);
  });

  out.push('', `Largest files in src (lines):`);
  const fileWidth = Math.max(0, ...report.largestSrcFiles.map((f) => f.file.length));
  for (const f of report.largestSrcFiles) out.push(`  ${f.file.padEnd(fileWidth)}  ${String(f.lines).padStart(5)}`);
  return out.join('\n');
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: node scripts/code-stats.ts [root] [--json]');
  process.exit(0);
}
const json = args.includes('--json');
const root = resolve(args.find((a) => !a.startsWith('--')) ?? process.cwd());
const report = buildReport(root);
console.log(json ? JSON.stringify(report, null, 2) : formatText(report));
