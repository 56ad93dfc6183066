import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCacheSettings, thresholdFor } from '../../../../daemon/cache/cacheSettings';
import { lexicalVector } from '../../../../daemon/cache/lexicalEmbedder';
import { LEXICAL_FIGURES } from '../../../../daemon/cache/corpusFigures';
import { figuresAt, scorePairs, type LabelledPair } from '../../../../daemon/cache/pairEval';
import {
  codeGuard,
  contentWordGuard,
  directionGuard,
  identifierGuard,
  negationGuard,
  numberGuard,
  pathGuard,
  quotedGuard,
  rejectReason,
  relationGuard,
  relationsOf,
} from '../../../../daemon/cache/semanticGuards';

function corpus(name: string): LabelledPair[] {
  const file = path.join(__dirname, '../../../fixtures/cachePairs', `${name}.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { pairs: LabelledPair[] }).pairs;
}

describe('relation guard: the phrase on each side of to/with/than/of/then…', () => {
  it.each([
    ['replace tabs with spaces', 'replace spaces with tabs', 'with'],
    ['Convert a string to an int', 'Convert an int to a string', 'to'],
    ['merge main into my feature branch', 'merge my feature branch into main', 'to'],
    ['Is Rust faster than Go?', 'Is Go faster than Rust?', 'than'],
    ['rebase feature onto main', 'rebase main onto feature', 'onto'],
    ['Is every set a subset of itself?', 'Is every subset a set of itself?', 'of'],
    ['run the tests then build', 'build then run the tests', 'then'],
    ['sort users by age then by name', 'sort users by name then by age', 'by'],
    ['Use Postgres instead of MongoDB for this?', 'Use MongoDB instead of Postgres for this?', 'instead'],
    ['copy the config from staging to production', 'copy the config from production to staging', 'from'],
    ['Redirect http to https in nginx', 'Redirect https to http in nginx', 'to'],
    ['wrap the div in a span', 'wrap the span in a div', 'in'],
  ])('%s / %s: what "%s" relates differs', (a, b, word) => {
    expect(relationGuard(a, b)).toBe(`what "${word}" refers to`);
  });

  it('drops question framing first: the "to" of "how to" is not a relation', () => {
    expect(relationsOf('how to undo git add').map((r) => r.word)).toEqual([]);
    expect(relationsOf("What's the way to list all git tags?").map((r) => r.word)).toEqual([]);
    expect(
      rejectReason(
        'How do I set up ESLint in a TypeScript project?',
        "What's the way to set up ESLint in a TypeScript project?",
      ),
    ).toBeNull();
    expect(
      rejectReason(
        'Is it possible to return multiple values from a function in Python?',
        'how to return multiple values from a function in python',
      ),
    ).toBeNull();
  });

  it('lets a modifier move out of a phrase: "in a PostgreSQL database" and "postgres … in a database"', () => {
    expect(
      rejectReason('How do I list all the tables in a PostgreSQL database?', 'postgres list all tables in a database'),
    ).toBeNull();
    expect(rejectReason('How do I read a YAML file in Python?', 'In Python, how can I read a YAML file?')).toBeNull();
  });
});

describe('content words: a multiset, with synonyms and typos', () => {
  it.each([
    ['How do I remove duplicates from a list?', 'How do I delete duplicates from a list?'],
    ['how to obtain the file extension in python', 'how to get the file extension in python'],
    ['How do I kill a running docker container', 'how do I terminate a running docker container'],
    [
      'What is the differnce between git merge and git rebase?',
      'What is the difference between git merge and git rebase?',
    ],
    ['how to delete a branch in git?', 'how to delet a branch in git'],
    ['Split a string into 2 parts in Python', 'split a string into two parts in python'],
    ['Convert a timestamp to a date in Python 3', 'convert a timestamp to a date in python3'],
  ])('%s / %s: the same question', (a, b) => {
    expect(rejectReason(a, b)).toBeNull();
  });

  it.each([
    ['list files in src', 'list files in test'],
    ['What does git reset do?', 'What does git revert do?'],
    ['How do I declare a constant in C++?', 'How do I declare a constant in C#?'],
    ['write a hello world in C', 'write a hello world in C++'],
    ['Why is my variable defined?', 'Why is my variable undefined?'],
    ['encode a string to base64 in python', 'decode a base64 string in python'],
  ])('%s / %s: another question', (a, b) => {
    expect(contentWordGuard(a, b) ?? directionGuard(a, b)).not.toBeNull();
  });

  it('counts repeats: a multiset, not a set', () => {
    expect(contentWordGuard('join the table with the table', 'join the table with the user table')).not.toBeNull();
  });
});

describe('the other guards, each with the pair that motivated it', () => {
  it.each([
    [negationGuard, 'Why does this promise resolve?', "Why doesn't this promise resolve?", 'negation'],
    [negationGuard, 'git log with merge commits', 'git log without merge commits', 'negation'],
    [numberGuard, 'How do I get the top 5 rows in pandas?', 'How do I get the top 10 rows in pandas?', 'numbers'],
    [numberGuard, 'Take the first 2 characters of a string', 'Take the first three characters of a string', 'numbers'],
    [numberGuard, 'Install Python 3.11 on Ubuntu', 'Install Python 3.12 on Ubuntu', 'numbers'],
    [quotedGuard, 'Why is this string different? `"a  b"`', 'Why is this string different? `"a b"`', 'quoted strings'],
    [identifierGuard, 'What does useEffect do?', 'What does useLayoutEffect do?', 'code identifiers'],
    [identifierGuard, 'What is the MAX_SAFE_INTEGER?', 'What is the MIN_SAFE_INTEGER?', 'code identifiers'],
    [
      pathGuard,
      'explain the settings in src/config/dev.yaml',
      'explain the settings in src/config/prod.yaml',
      'file names or paths',
    ],
    [pathGuard, 'Open main.go', 'Open main.rs', 'file names or paths'],
    [
      directionGuard,
      'Sort a list in ascending order in Python',
      'Sort a list in descending order in Python',
      'direction words',
    ],
    [directionGuard, 'How do I add a remote in git', 'How do I remove a remote in git', 'direction words'],
  ] as const)('%#: %s / %s → %s', (guard, a, b, reason) => {
    expect(guard(a, b)).toBe(reason);
  });

  it('a quoted string matches the same text unquoted', () => {
    expect(quotedGuard('What does "git stash" do?', 'What does git stash do?')).toBeNull();
    expect(quotedGuard('Explain the `finally` block in Java', 'Explain the finally block in Java')).toBeNull();
    expect(rejectReason("what does 'use strict' do in javascript", 'what does use strict do in javascript')).toBeNull();
  });

  it('names are not identifiers: "TypeScript" and "typescript", "JS" and "javascript"', () => {
    expect(
      rejectReason('How to verify if a number is even in JS?', 'how to check if a number is even in javascript'),
    ).toBeNull();
    expect(rejectReason('what is graphql?!', 'What is GraphQL?')).toBeNull();
  });
});

describe('code guard: whitespace that carries meaning', () => {
  it('Python or YAML that differs only in indentation is other code', () => {
    const loop = (print: string) =>
      `What does this print?\n\`\`\`python\nfor i in range(3):\n    x = i\n${print}print(x)\n\`\`\``;
    expect(codeGuard(loop('    '), loop(''))).toBe('different code');
    const yaml = (ports: string) =>
      `Is this valid?\n\`\`\`yaml\nservices:\n  web:\n    image: nginx\n${ports}ports: [80]\n\`\`\``;
    expect(codeGuard(yaml('    '), yaml('  '))).toBe('different code');
    expect(
      codeGuard(
        'Where?\n    for x in xs:\n        total += x\n        n += 1',
        'Where?\n    for x in xs:\n        total += x\n    n += 1',
      ),
    ).toBe('different code');
  });

  it('a Makefile recipe with a tab is not one with spaces', () => {
    expect(codeGuard('Fix:\n```make\nbuild:\n\tgo build\n```', 'Fix:\n```make\nbuild:\n    go build\n```')).toBe(
      'different code',
    );
  });

  it('brace code reformatted is the same code; Python spacing inside a line too', () => {
    expect(
      codeGuard(
        'Why?\n```js\nfunction add(a,b){return a+b}\n```',
        'Why?\n```js\nfunction add(a, b) {\n  return a + b;\n}\n```',
      ),
    ).toBeNull();
    expect(
      codeGuard(
        'Fix:\n```python\ndef f(a,b):\n    return a+b\n```',
        'Fix:\n```python\ndef f(a, b):\n    return a + b\n```',
      ),
    ).toBeNull();
    expect(
      codeGuard(
        'Go?\n```go\nif err != nil {\n\treturn err\n}\n```',
        'Go?\n```go\nif err != nil {\n    return err\n}\n```',
      ),
    ).toBeNull();
  });

  it('whitespace inside a string literal counts, in any language', () => {
    expect(
      codeGuard("Out?\n```python\nprint('x' + '  ' + 'y')\n```", "Out?\n```python\nprint('x' + ' ' + 'y')\n```"),
    ).toBe('different code');
    expect(codeGuard('Out?\n```js\nlog("a  b")\n```', 'Out?\n```js\nlog("a b")\n```')).toBe('different code');
  });
});

describe('the labelled corpus, lexical embedder, default threshold', () => {
  const threshold = thresholdFor(defaultCacheSettings().semantic, 'ask');
  const scored = scorePairs(corpus('corpus'), (texts) => texts.map(lexicalVector));

  it('has at least 400 pairs, each with a category and a reason', () => {
    expect(scored.length).toBeGreaterThanOrEqual(400);
    expect(scored.every((s) => s.pair.category && s.pair.why)).toBe(true);
    expect(corpus('unseen').length).toBeGreaterThanOrEqual(100);
  });

  it('wrong hits stay at most 1% of all hits', () => {
    const wrong = scored
      .filter((s) => !s.pair.same && s.similarity >= threshold && s.rejected === null)
      .map((s) => `${s.pair.a} / ${s.pair.b}`);
    expect(figuresAt(scored, threshold).wrongShareOfHits, wrong.join('\n')).toBeLessThanOrEqual(0.01);
  });

  it('the guards earn their place: without them the embedder alone serves wrong answers', () => {
    expect(figuresAt(scored, threshold, false).wrongShareOfHits).toBeGreaterThan(0.2);
  });

  it('the figures cache stats quotes are the ones measured now, on both sets', () => {
    expect(LEXICAL_FIGURES.threshold).toBe(threshold);
    for (const set of ['corpus', 'unseen'] as const) {
      const f = figuresAt(
        scorePairs(corpus(set), (texts) => texts.map(lexicalVector)),
        LEXICAL_FIGURES.threshold,
      );
      expect({
        pairs: f.pairs,
        recall: Math.round(f.recall * 1000) / 1000,
        wrongShareOfHits: Math.round(f.wrongShareOfHits * 1000) / 1000,
      }).toEqual(LEXICAL_FIGURES[set]);
    }
  });

  it('the threshold moves recall with lexical: lower finds more paraphrases', () => {
    expect(figuresAt(scored, 0.95).recall).toBeLessThan(figuresAt(scored, threshold).recall);
  });
});
