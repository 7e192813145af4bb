/**
 * The programs a POSIX shell command line runs, read from its text: the first word of every
 * simple command, after `;`, `&&`, `||`, `|`, `&`, in `$(...)` and backticks, after `if`,
 * `then`, `do`, `!` ... (`kill -9 $(pgrep -o -x pantavisor)` runs kill and pgrep). Builtins,
 * assignments, redirections and words that expand (`$b`) are not programs the image must
 * have. Pure; a parse it cannot follow (an unclosed quote) yields what it read so far.
 */

/** Shell builtins and keywords: never looked up on PATH, so never missing from an image. */
const BUILTINS = new Set([
  ':',
  '.',
  'break',
  'continue',
  'eval',
  'exec',
  'exit',
  'export',
  'readonly',
  'return',
  'set',
  'shift',
  'times',
  'trap',
  'unset',
  'cd',
  'command',
  'echo',
  'printf',
  'test',
  '[',
  'true',
  'false',
  'read',
  'wait',
  'kill',
  'pwd',
  'umask',
  'alias',
  'unalias',
  'type',
  'getopts',
  'jobs',
  'fg',
  'bg',
  'local',
  'hash',
  'ulimit',
]);
const KEYWORDS_BEFORE_COMMAND = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}', 'fi', 'done', 'esac']);

interface Word {
  text: string;
  literal: boolean;
}

/** Every program the command line runs, in order of appearance, each once (builtins included). */
export function commandsOf(line: string): string[] {
  const found: string[] = [];
  parse(line, 0, found, '');
  return [...new Set(found)];
}

/** The programs a command line needs from the image's PATH (commandsOf without shell builtins). */
export function programsOf(line: string): string[] {
  return commandsOf(line).filter((c) => !BUILTINS.has(c));
}

/**
 * Reads from `i` until `close` (')' for $(...), '`' for backticks, '' for the end), adding the
 * first word of each simple command to `found`; returns the index after the closing character.
 */
function parse(s: string, i: number, found: string[], close: string): number {
  let words: Word[] = [];
  let cur: Word | undefined;
  let skipUntilDo = false;
  let caseDepth = 0;
  let dropNext = false;
  const endWord = () => {
    if (!cur) return;
    if (dropNext) dropNext = false;
    else words.push(cur);
    cur = undefined;
  };
  const endCommand = () => {
    endWord();
    let rest = words;
    for (;;) {
      // leading keywords, assignments and redirections
      while (rest.length && rest[0].literal && (KEYWORDS_BEFORE_COMMAND.has(rest[0].text) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0].text))) rest = rest.slice(1);
      const first = rest[0];
      if (!first) break;
      if (first.literal && first.text === 'for') {
        skipUntilDo = true;
        break;
      }
      if (first.literal && first.text === 'case') {
        caseDepth++;
        break;
      }
      if (!first.literal) break;
      found.push(first.text);
      // wrappers that run their last arguments as a command
      if (first.text === 'timeout') {
        let j = 1;
        while (j < rest.length && rest[j].text.startsWith('-')) j += rest[j].text === '-k' || rest[j].text === '-s' ? 2 : 1;
        rest = rest.slice(j + 1); // the duration
        continue;
      }
      if (first.text === 'env' || first.text === 'exec') {
        let j = 1;
        while (j < rest.length && (rest[j].text.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[j].text))) j++;
        rest = rest.slice(j);
        continue;
      }
      break;
    }
    words = [];
  };
  const addChar = (ch: string, literal = true) => {
    cur ??= { text: '', literal: true };
    cur.text += ch;
    if (!literal) cur.literal = false;
  };
  while (i < s.length) {
    const ch = s[i];
    if (close && ch === close) {
      endCommand();
      return i + 1;
    }
    if (ch === '\\') {
      addChar(s[i + 1] ?? '');
      i += 2;
      continue;
    }
    if (ch === "'") {
      const e = s.indexOf("'", i + 1);
      const end = e < 0 ? s.length : e;
      cur ??= { text: '', literal: true };
      cur.text += s.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\') {
          addChar(s[i + 1] ?? '');
          i += 2;
          continue;
        }
        if (s[i] === '$' && s[i + 1] === '(' && s[i + 2] !== '(') {
          addChar('$', false);
          i = parse(s, i + 2, found, ')');
          continue;
        }
        if (s[i] === '`') {
          addChar('$', false);
          i = parse(s, i + 1, found, '`');
          continue;
        }
        addChar(s[i], s[i] !== '$');
        i++;
      }
      i++;
      continue;
    }
    if (ch === '$' && s[i + 1] === '(' && s[i + 2] !== '(') {
      addChar('$', false);
      i = parse(s, i + 2, found, ')');
      continue;
    }
    if (ch === '`') {
      addChar('$', false);
      i = parse(s, i + 1, found, '`');
      continue;
    }
    if (ch === '$') {
      addChar('$', false);
      i++;
      continue;
    }
    if (ch === '#' && !cur) {
      while (i < s.length && s[i] !== '\n') i++;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      endWord();
      i++;
      continue;
    }
    if (ch === ';' || ch === '&' || ch === '|' || ch === '\n' || ch === '(' || ch === ')') {
      // `;;` ends a case branch; `)` after a case pattern starts its command
      if (caseDepth && ch === ')') {
        words = [];
        cur = undefined;
        i++;
        continue;
      }
      if (skipUntilDo) {
        cur = undefined;
        words = [];
        i++;
        continue;
      }
      endCommand();
      i++;
      continue;
    }
    if (ch === '>' || ch === '<') {
      // a redirection: a file descriptor before it, its operator, then its target (dropped)
      if (cur && /^[0-9]+$/.test(cur.text) && cur.literal) cur = undefined;
      else endWord();
      i++;
      while (s[i] === '>' || s[i] === '<' || s[i] === '|') i++;
      if (s[i] === '&') {
        i++;
        while (/[0-9-]/.test(s[i] ?? '')) i++;
        continue;
      }
      dropNext = true;
      continue;
    }
    addChar(ch);
    i++;
    if (skipUntilDo && cur?.text === 'do' && (s[i] === ' ' || s[i] === '\n' || s[i] === ';' || i >= s.length)) {
      skipUntilDo = false;
      cur = undefined;
      words = [];
    }
    if (caseDepth && cur?.text === 'esac' && !/[A-Za-z0-9_-]/.test(s[i] ?? '')) {
      caseDepth--;
      cur = undefined;
      words = [];
    }
  }
  endCommand();
  return i;
}
