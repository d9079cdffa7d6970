/**
 * Where the expression language's reference (compiler/expr/reference.ts) can be read: named by
 * hints and component docs, so a reader or an agent knows where to look.
 */
export const EXPRESSIONS_URI = 'edgeflow://expressions';
export const EXPRESSIONS_TOOL = 'describe_expressions';
export const EXPRESSIONS_README = 'README "Portable expressions"';
/** Every place the reference can be read, in one phrase. */
export const WHERE_EXPRESSIONS_ARE_DESCRIBED = `MCP resource ${EXPRESSIONS_URI} (or tool ${EXPRESSIONS_TOOL}), ${EXPRESSIONS_README}`;
