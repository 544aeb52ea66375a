import { FORBIDDEN_ATTRIBUTE_KEYS, METRIC_NAME_PATTERN } from '@telemetry/contracts';
import { compileFormula, type CompiledFormula } from './compile-formula';
import {
  AGGREGATE_FUNCTIONS,
  SCALAR_FUNCTIONS,
  isAggregateFunction,
  isScalarFunction,
  type BinaryOperator,
  type FormulaNode,
} from './formula-ast';
import { FormulaError } from './formula-error';

/**
 * Both limits bound the work per formula, and the depth limit is what keeps a hostile
 * 10,000-deep formula from overflowing the stack: the parser counts nesting explicitly and
 * stops before recursing further, and every later tree walk (print, compile) is bounded by it.
 */
export const MAX_FORMULA_DEPTH = 64;
export const MAX_FORMULA_LENGTH = 65_536;

/** A parsed formula: its tree, the metrics it reads, and a compiled evaluator. */
export interface Formula {
  readonly source: string;
  readonly ast: FormulaNode;
  /** Every metric the formula reads, each once, in order of first appearance. */
  readonly references: readonly string[];
  /** Metrics read bare (their computed `value`): must be derived metrics. */
  readonly bareReferences: readonly string[];
  /** Metrics read through rate/sum/count/…: must be measured metrics. */
  readonly aggregatedReferences: readonly string[];
  /** @internal the compiled closure; call `evaluate(formula, inputs)` instead. */
  readonly compiled: CompiledFormula;
}

const metricNamePattern = new RegExp(METRIC_NAME_PATTERN);
const numberToken = /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const identifierToken = /[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z0-9_$]+)*/y;

type Parsed = { node: FormulaNode; height: number };

const describeChar = (char: string | undefined): string => (char === undefined ? 'end of formula' : JSON.stringify(char));

class FormulaParser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): Parsed {
    this.skipSpace();
    if (this.pos >= this.src.length) throw new FormulaError('formula_empty', 'formula is empty', 1);
    const parsed = this.parseSum(0);
    this.skipSpace();
    if (this.pos < this.src.length) {
      const char = this.src[this.pos];
      const message =
        char === ')' ? `unmatched ')' at column ${this.column()}` : `unexpected ${describeChar(char)} at column ${this.column()}`;
      throw new FormulaError('formula_syntax', message, this.column());
    }
    return parsed;
  }

  private column(at: number = this.pos): number {
    return at + 1;
  }

  private skipSpace(): void {
    while (this.pos < this.src.length) {
      const char = this.src.charCodeAt(this.pos);
      if (char !== 32 && char !== 9 && char !== 10 && char !== 13) return;
      this.pos += 1;
    }
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.src[this.pos];
  }

  /** Called on every way into a deeper level, before recursing, so hostile nesting fails cleanly. */
  private enter(depth: number): number {
    if (depth >= MAX_FORMULA_DEPTH) {
      throw new FormulaError(
        'formula_too_deep',
        `formula nests deeper than ${MAX_FORMULA_DEPTH} levels at column ${this.column()}`,
        this.column(),
      );
    }
    return depth + 1;
  }

  private binary(op: BinaryOperator, left: Parsed, right: Parsed, at: number): Parsed {
    // A long flat chain (1+1+1+…) nests without recursion in the parser, so its height is checked here.
    const height = Math.max(left.height, right.height) + 1;
    if (height > MAX_FORMULA_DEPTH) {
      throw new FormulaError('formula_too_deep', `formula nests deeper than ${MAX_FORMULA_DEPTH} levels at column ${this.column(at)}`, this.column(at));
    }
    return { node: { kind: 'binary', op, left: left.node, right: right.node }, height };
  }

  private parseSum(depth: number): Parsed {
    let left = this.parseProduct(depth);
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      const at = this.pos;
      this.pos += 1;
      left = this.binary(op, left, this.parseProduct(depth), at);
    }
    return left;
  }

  private parseProduct(depth: number): Parsed {
    let left = this.parseUnary(depth);
    for (let op = this.peek(); op === '*' || op === '/'; op = this.peek()) {
      const at = this.pos;
      this.pos += 1;
      left = this.binary(op, left, this.parseUnary(depth), at);
    }
    return left;
  }

  private parseUnary(depth: number): Parsed {
    if (this.peek() === '-') {
      this.pos += 1;
      const operand = this.parseUnary(this.enter(depth));
      return { node: { kind: 'negate', operand: operand.node }, height: operand.height + 1 };
    }
    return this.parsePrimary(depth);
  }

  private parsePrimary(depth: number): Parsed {
    const char = this.peek();
    const start = this.pos;
    if (char === '(') {
      this.pos += 1;
      const inner = this.parseSum(this.enter(depth));
      this.expectClosing(start);
      return inner;
    }
    numberToken.lastIndex = start;
    const number = numberToken.exec(this.src);
    if (number) {
      this.pos = numberToken.lastIndex;
      const value = Number(number[0]);
      if (!Number.isFinite(value)) {
        throw new FormulaError('formula_number_range', `number ${number[0]} at column ${this.column(start)} is out of range`, this.column(start));
      }
      return { node: { kind: 'number', value }, height: 1 };
    }
    identifierToken.lastIndex = start;
    const identifier = identifierToken.exec(this.src);
    if (identifier) {
      this.pos = identifierToken.lastIndex;
      const name = identifier[0];
      if (this.peek() === '(') return this.parseCall(name, start, depth);
      return { node: { kind: 'metric', name: this.metricName(name, start) }, height: 1 };
    }
    if (char === undefined) {
      throw new FormulaError('formula_syntax', `formula ends where a number, metric or '(' was expected`, this.column());
    }
    throw new FormulaError('formula_syntax', `unexpected ${describeChar(char)} at column ${this.column()}`, this.column());
  }

  private parseCall(name: string, start: number, depth: number): Parsed {
    const open = this.pos;
    this.pos += 1;
    const inner = this.enter(depth);
    if (isAggregateFunction(name)) {
      this.skipSpace();
      const argStart = this.pos;
      identifierToken.lastIndex = argStart;
      const identifier = identifierToken.exec(this.src);
      if (!identifier) {
        throw new FormulaError('formula_syntax', `${name}() takes one metric name, at column ${this.column(argStart)}`, this.column(argStart));
      }
      this.pos = identifierToken.lastIndex;
      const metric = this.metricName(identifier[0], argStart);
      const after = this.peek();
      if (after !== ')' && after !== undefined) {
        throw new FormulaError('formula_syntax', `${name}() takes one metric name, at column ${this.column(argStart)}`, this.column(argStart));
      }
      this.expectClosing(open);
      return { node: { kind: 'aggregate', fn: name, metric }, height: 1 };
    }
    if (isScalarFunction(name)) {
      const args: Parsed[] = [];
      if (this.peek() !== ')') {
        args.push(this.parseSum(inner));
        while (this.peek() === ',') {
          this.pos += 1;
          args.push(this.parseSum(inner));
        }
      }
      this.expectClosing(open);
      const arity = SCALAR_FUNCTIONS[name];
      if (args.length !== arity) {
        throw new FormulaError(
          'formula_arity',
          `${name}() takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}, at column ${this.column(start)}`,
          this.column(start),
        );
      }
      return {
        node: { kind: 'call', fn: name, args: args.map((arg) => arg.node) },
        height: Math.max(...args.map((arg) => arg.height)) + 1,
      };
    }
    const known = [...AGGREGATE_FUNCTIONS, ...Object.keys(SCALAR_FUNCTIONS)].join(', ');
    throw new FormulaError(
      'formula_unknown_function',
      `unknown function ${JSON.stringify(name.slice(0, 80))} at column ${this.column(start)}; known: ${known}`,
      this.column(start),
    );
  }

  private expectClosing(open: number): void {
    const char = this.peek();
    if (char === ')') {
      this.pos += 1;
      return;
    }
    if (char === undefined) {
      throw new FormulaError('formula_syntax', `unterminated '(' at column ${this.column(open)}`, this.column(open));
    }
    throw new FormulaError(
      'formula_syntax',
      `expected ')' to close '(' at column ${this.column(open)}, found ${describeChar(char)} at column ${this.column()}`,
      this.column(),
    );
  }

  /** Names are data, never property paths: reserved segments are refused before anything reads them. */
  private metricName(name: string, at: number): string {
    const reserved = name.split('.').find((segment) => FORBIDDEN_ATTRIBUTE_KEYS.has(segment));
    if (reserved !== undefined) {
      throw new FormulaError('formula_invalid_name', `reserved name ${JSON.stringify(reserved)} at column ${this.column(at)}`, this.column(at));
    }
    if (!metricNamePattern.test(name)) {
      throw new FormulaError(
        'formula_invalid_name',
        `invalid metric name ${JSON.stringify(name.slice(0, 80))} at column ${this.column(at)}: names are dotted lowercase identifiers`,
        this.column(at),
      );
    }
    return name;
  }
}

const collectReferences = (root: FormulaNode) => {
  const all = new Set<string>();
  const bare = new Set<string>();
  const aggregated = new Set<string>();
  // Iterative walk: the tree is bounded by MAX_FORMULA_DEPTH anyway, but order of appearance matters.
  const stack: FormulaNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as FormulaNode;
    switch (node.kind) {
      case 'metric':
        all.add(node.name);
        bare.add(node.name);
        break;
      case 'aggregate':
        all.add(node.metric);
        aggregated.add(node.metric);
        break;
      case 'negate':
        stack.push(node.operand);
        break;
      case 'binary':
        stack.push(node.right, node.left);
        break;
      case 'call':
        for (let i = node.args.length - 1; i >= 0; i -= 1) stack.push(node.args[i] as FormulaNode);
        break;
      case 'number':
        break;
    }
  }
  return { references: [...all], bareReferences: [...bare], aggregatedReferences: [...aggregated] };
};

/** Parses the AST alone (no compilation); throws FormulaError with a column. */
export const parseFormulaAst = (source: string): FormulaNode => {
  if (typeof source !== 'string') throw new FormulaError('formula_syntax', 'formula must be a string', 1);
  if (source.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError('formula_too_long', `formula is ${source.length} characters; at most ${MAX_FORMULA_LENGTH} are allowed`, 1);
  }
  return new FormulaParser(source).parse().node;
};

/**
 * Parses once and compiles to closures, so evaluation per bucket does no parsing or tree walking
 * by name. Throws FormulaError (with a 1-based column) for anything that is not a valid formula.
 */
export const parseFormula = (source: string): Formula => {
  const ast = parseFormulaAst(source);
  return { source, ast, ...collectReferences(ast), compiled: compileFormula(ast) };
};
