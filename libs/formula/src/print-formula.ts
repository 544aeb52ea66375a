import type { FormulaNode } from './formula-ast';

const SUM = 1;
const PRODUCT = 2;
const UNARY = 3;
const ATOM = 4;

const precedence = (node: FormulaNode): number => {
  if (node.kind === 'binary') return node.op === '+' || node.op === '-' ? SUM : PRODUCT;
  return node.kind === 'negate' ? UNARY : ATOM;
};

const wrap = (text: string, needed: boolean): string => (needed ? `(${text})` : text);

/**
 * The canonical text of a formula: single spaces around binary operators and only the parentheses
 * the tree needs, so `parseFormulaAst(printFormula(ast))` gives back the same tree. Used to store
 * formulas in one spelling and to compare them (a whitespace edit is not a change).
 * Recursion is bounded by MAX_FORMULA_DEPTH, which the parser enforced.
 */
export const printFormula = (node: FormulaNode): string => {
  switch (node.kind) {
    case 'number':
      return String(node.value);
    case 'metric':
      return node.name;
    case 'aggregate':
      return `${node.fn}(${node.metric})`;
    case 'call':
      return `${node.fn}(${node.args.map(printFormula).join(', ')})`;
    case 'negate':
      return `-${wrap(printFormula(node.operand), precedence(node.operand) < UNARY)}`;
    case 'binary': {
      const level = precedence(node);
      // Operators are left-associative: a right operand of the same level keeps its parentheses.
      const left = wrap(printFormula(node.left), precedence(node.left) < level);
      const right = wrap(printFormula(node.right), precedence(node.right) <= level);
      return `${left} ${node.op} ${right}`;
    }
  }
};
