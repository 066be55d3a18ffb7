// Runs the eForms SDK's schematron rules on notices with npm's node-schematron (XPath 3.1 by fontoxpath),
// for tests/tenders/eforms/schematron.py. The schema is compiled once, then each notice is validated in
// its phase:
//
//   node schematron.mjs SCHEMA.sch PHASE:NOTICE.xml [PHASE:NOTICE.xml ...]
//
// e.g. `complete-validation.sch eforms-16:cn.xml eforms-29:can.xml`. Prints one JSON object on stdout:
// {"compile_seconds", "nested_quantifiers", "notices": [{"file", "phase", "seconds", "results": [{"id",
// "report", "message", "location"}]}]}; exit 2 with one line on stderr when the schema, a phase or a
// notice cannot be read or evaluated.
//
// An included file that is absent from the schema's folder (the app keeps only the SDK's files of the
// subtypes it writes) stands for an empty pattern; a phase that activates a pattern not found is refused,
// so a missing file never passes for a clean notice. node-schematron does not read @role: the caller
// tells errors from warnings with the .sch files.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import schematron from 'node-schematron';

const { Schema } = schematron;
// The fontoxpath that node-schematron itself loads (its dependency, not the project's).
const require = createRequire(import.meta.url);
const fontoxpath = createRequire(require.resolve('node-schematron'))('fontoxpath');
const SCH = 'http://purl.oclc.org/dsdl/schematron';

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

// Where the failed node is, as /cn:ContractNotice/cac:ProcurementProjectLot[2]/cbc:ID (prefixes as written).
function location(node) {
  if (node.nodeType === 2) return `${location(node.ownerElement)}/@${node.nodeName}`;
  const steps = [];
  for (let current = node; current && current.nodeType === 1; current = current.parentNode) {
    let position = 1;
    let count = 0;
    for (const sibling of current.parentNode ? current.parentNode.childNodes : []) {
      if (sibling.nodeType === 1 && sibling.nodeName === current.nodeName) {
        count += 1;
        if (sibling === current) position = count;
      }
    }
    steps.unshift(count > 1 ? `${current.nodeName}[${position}]` : current.nodeName);
  }
  return `/${steps.join('/')}`;
}

const [schemaPath, ...jobs] = process.argv.slice(2);
if (!schemaPath || jobs.length === 0) fail('usage: node schematron.mjs SCHEMA.sch PHASE:NOTICE.xml ...');
const notices = jobs.map((job) => {
  const colon = job.indexOf(':');
  if (colon < 1) fail(`expected PHASE:NOTICE.xml, got ${job}`);
  return { phase: job.slice(0, colon), file: job.slice(colon + 1) };
});

let started = performance.now();
const folder = path.dirname(schemaPath);
let schema;
try {
  schema = await Schema.fromString(fs.readFileSync(schemaPath, 'utf8'), {
    fetchReference: async (href) => {
      const file = path.join(folder, href);
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `<pattern xmlns="${SCH}" id="absent:${href}"/>`;
    },
  });
} catch (error) {
  fail(`the schema ${schemaPath} could not be compiled: ${error.message.split('\n')[0]}`);
}
const compileSeconds = (performance.now() - started) / 1000;

// node-schematron (2.1.0) finds each rule's nodes by evaluating `//(context)`, which evaluates an absolute
// context (/*/cac:…, all but two of the SDK's 2,000) once per node of the notice, and walks the elements
// only, so that the rules on an attribute (@listName, @currencyID…: a tenth of them) never fire. Its
// patterns are walked here as an ISO Schematron processor does: every element and its attributes in
// document order, each given to the first rule of the pattern whose context holds it, each context
// evaluated once. A pattern's or a rule's <let> holding several nodes is passed on as the sequence it is
// (node-schematron hands fontoxpath a JavaScript array, which becomes one XPath array: count() is 1).
// The rules, their variables and their asserts are node-schematron's, run by fontoxpath.
const sequence = fontoxpath.createTypedValueFactory('item()*');
function bindVariables(variables, context, initial, options) {
  return variables.reduce((mapping, variable) => {
    try {
      return Object.assign(mapping, {
        [variable.name]: variable.value
          ? sequence(fontoxpath.evaluateXPath(variable.value, context, null, mapping,
            fontoxpath.evaluateXPath.ALL_RESULTS_TYPE, options), null)
          : context,
      });
    } catch (error) {
      throw new Error(`variable $${variable.name}: ${error.message.split('\n')[0]}`);
    }
  }, { ...initial });
}

function* elementsAndAttributes(node) {
  for (const child of node.childNodes) {
    if (child.nodeType !== 1) continue;
    yield child;
    yield* child.attributes;
    yield* elementsAndAttributes(child);
  }
}

// fontoxpath (3.34) evaluates a quantified expression with several bindings wrongly: `every $a in (1, 2),
// $b in ($a) satisfies $b = $a` is false to it, and a later binding that reads an earlier one fails with
// XQDY0054. By the XPath specification `every $a in A, $b in B satisfies C` is `every $a in A satisfies
// every $b in B satisfies C` (and so for `some`), which it evaluates right: the dozen SDK rules written so
// are nested before they run.
function nestQuantifiers(expression) {
  const open = []; // the quantifiers whose bindings are being read: {kind, depth}
  let depth = 0;
  let output = '';
  for (let i = 0; i < expression.length;) {
    const character = expression[i];
    if (character === '"' || character === "'") { // a literal; a doubled quote reads as two literals
      const end = expression.indexOf(character, i + 1);
      output += expression.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const before = i === 0 ? ' ' : expression[i - 1];
    const word = /[\w.:$-]/.test(before) ? null : /^(every|some|satisfies)\b/.exec(expression.slice(i));
    const innermost = open[open.length - 1];
    if (word && word[1] === 'satisfies' && innermost && innermost.depth === depth) {
      open.pop();
    } else if (word && word[1] !== 'satisfies' && /^\s*\$/.test(expression.slice(i + word[1].length))) {
      open.push({ kind: word[1], depth });
    } else if (character === ',' && innermost && innermost.depth === depth) {
      output += ` satisfies ${innermost.kind}`;
      i += 1;
      continue;
    }
    if ('([{'.includes(character)) depth += 1;
    if (')]}'.includes(character)) depth -= 1;
    if (word) {
      output += word[1];
      i += word[1].length;
    } else {
      output += character;
      i += 1;
    }
  }
  return output;
}

const KNOWN = 'every $a in (1, 2), $b in ($a) satisfies $b = $a';
if (!fontoxpath.evaluateXPathToBoolean(nestQuantifiers(KNOWN))) fail(`nested quantifiers: ${nestQuantifiers(KNOWN)}`);
let nested = 0;
for (const pattern of schema.patterns) {
  for (const variable of pattern.variables) variable.value &&= nestQuantifiers(variable.value);
  for (const rule of pattern.rules) {
    for (const variable of rule.variables) variable.value &&= nestQuantifiers(variable.value);
    for (const assert of rule.asserts) {
      const test = nestQuantifiers(assert.test);
      if (test !== assert.test) nested += 1;
      assert.test = test;
    }
  }
}

const patternPrototype = Object.getPrototypeOf(schema.patterns[0]);
patternPrototype.validateDocument = function validateDocument(documentDom, parentVariables, options) {
  const variables = bindVariables(this.variables, documentDom, parentVariables, options);
  const ruleOf = new Map();
  for (const rule of this.rules) {
    const absolute = rule.context.startsWith('/') && !rule.context.includes('|');
    const query = absolute ? rule.context : `//(${rule.context})`;
    let nodes;
    try {
      nodes = fontoxpath.evaluateXPathToNodes(query, documentDom, null, variables, options);
    } catch (error) {
      throw new Error(`rule context ${rule.context}: ${error.message.split('\n')[0]}`);
    }
    for (const node of nodes) {
      if (!ruleOf.has(node)) ruleOf.set(node, rule);
    }
  }
  const results = [];
  for (const node of elementsAndAttributes(documentDom)) {
    const rule = ruleOf.get(node);
    if (!rule) continue;
    const ruleVariables = bindVariables(rule.variables, node, variables, options);
    for (const assert of rule.asserts) {
      let result;
      try {
        result = assert.validateNode(node, ruleVariables, options);
      } catch (error) {
        throw new Error(`${assert.id} at ${location(node)}: ${error.message.split('\n')[0]}`);
      }
      if (result) results.push(result);
    }
  }
  return results;
};

const patterns = new Set(schema.patterns.map((pattern) => pattern.id));
for (const { phase } of notices) {
  const found = schema.phases.find((candidate) => candidate.id === phase);
  if (!found) fail(`no phase ${phase} in ${schemaPath}`);
  const missing = found.active.filter((id) => !patterns.has(id));
  if (missing.length) fail(`phase ${phase}: pattern(s) ${missing.join(', ')} not found beside ${schemaPath}`);
}

const output = { compile_seconds: compileSeconds, nested_quantifiers: nested, notices: [] };
for (const { phase, file } of notices) {
  let xml;
  try {
    xml = fs.readFileSync(file, 'utf8');
  } catch (error) {
    fail(`the notice ${file} could not be read: ${error.message}`);
  }
  started = performance.now();
  let results;
  try {
    results = schema.validateString(xml, { phaseId: phase });
  } catch (error) {
    fail(`${file} (${phase}): ${error.message.split('\n')[0]}`);
  }
  output.notices.push({
    file,
    phase,
    seconds: (performance.now() - started) / 1000,
    results: results.map((result) => ({
      id: result.assertId,
      report: result.isReport,
      message: (result.message || '').trim(),
      location: location(result.context),
    })),
  });
}
process.stdout.write(`${JSON.stringify(output)}\n`);
