"""Synthetic tasks whose answer tokens need a known number of sequential steps, and the byte-level token mapping.

The shipped model (models/huginn-tiny-chains) is trained on InterleavedJumpTask ('ijumps', at the end of this file):
three rows of 17 cells, each cell a jump length (1 or 2) or a letter; start at the last cell of a row and jump back
as the digits say until you land on a letter, the row's answer. Every row of an example takes exactly d jumps (its
difficulty, 1..8); the cells off the path are random. The rows are written column by column, so a jump of k cells
is 3k tokens back and each answer token finds the last cell of its row 3 tokens back:

    <|begin_text|>2w22wu12v1j212222jvxga1222cp12dmu2v11121x2221112211=pvu<|end_text|>     (d = 4)

Why this task: the landing letter of a cell is the landing letter of the cell it jumps to, so resolving a row takes d
dependent lookups (content-dependent but local: 3 or 6 tokens back); a model can resolve every cell in parallel, a
few jumps per layer, but not all d at once, so the work per answer token grows with d. A resolved cell stops
changing: a fixed point that a KL exit can detect. Only relative offsets are involved, which a tiny model on a CPU
learns in a few hundred steps; the variable-binding chains below need a content-matching (induction-like) circuit
that did not form within this machine's budget (see README.md). The first answer letter is produced by the prefill
(which never exits early); the others are decoded one by one, so their exit steps show the per-token cost.

Tokens: byte-level, no merges. A text byte b is token id b; the special tokens follow at 256.. in Huginn's order.

ChainTask, variable-binding chains (tried first, not shipped):

An example is a straight-line program of single-letter assignments followed by a query:

    <|begin_text|>q=4;m=7;c=q;x=m;r=c;y=x;?ry=47<|end_text|>
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ^^^ ^^
                   program                      query answer

Every variable is assigned exactly once, either a digit or an earlier variable, so the statements form chains that
end in a digit. The query asks for the values of QUERIES variables, each at the end of its own chain, and every
queried chain of an example has the same length: the example's difficulty d = the number of assignments that must be
followed from a queried variable to its digit (d = 1: the variable is assigned a digit directly). Chains of queried
variables are disjoint, so one answer never reveals another; the rest of the program is distractor chains of random
length, and every program has the same number of statements, so the prompt length does not give the difficulty
away. Statements of different chains are interleaved at random, each chain in its own order (a valid program).

Why this task: each answer digit needs d sequential lookups ("find the statement that assigns v, read its right
side"), one dependent on the previous, so the work per answer token grows with d, and the natural algorithm for a
recurrent-depth model is one lookup per iteration that stops changing once a digit is reached: a fixed point that
a KL exit can detect. The first answer digit is produced by the prefill (which never exits early); the others are
decoded one by one, so their exit steps show the per-token cost.
"""
import json
import random

SPECIALS = ["<|begin_text|>", "<|end_text|>", "<|begin_header|>", "<|end_header|>", "<|end_turn|>", "<|pad|>"]
SPECIAL_IDS = {name: 256 + i for i, name in enumerate(SPECIALS)}
BOS = SPECIAL_IDS["<|begin_text|>"]
EOS = SPECIAL_IDS["<|end_text|>"]
END_TURN = SPECIAL_IDS["<|end_turn|>"]
PAD = SPECIAL_IDS["<|pad|>"]
VOCAB_SIZE = 256 + len(SPECIALS)

VARIABLES = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"


def encode(text):
    """Token ids of a text that may contain special-token names; any other text is its UTF-8 bytes."""
    ids, i = [], 0
    while i < len(text):
        for name in SPECIALS:
            if text.startswith(name, i):
                ids.append(SPECIAL_IDS[name])
                i += len(name)
                break
        else:
            j = i + 1
            while j < len(text) and not text.startswith("<|", j):
                j += 1
            ids.extend(text[i:j].encode("utf-8"))
            i = j
    return ids


def decode(ids):
    out, buf = [], bytearray()
    for t in ids:
        if t < 256:
            buf.append(t)
        else:
            out.append(buf.decode("utf-8", errors="replace"))
            buf = bytearray()
            out.append(SPECIALS[t - 256])
    out.append(buf.decode("utf-8", errors="replace"))
    return "".join(out)


class ChainTask:
    """Generator of variable-binding chain problems with difficulty 1..max_difficulty."""

    def __init__(self, max_difficulty=6, queries=3, statements=None):
        self.max_difficulty = max_difficulty
        self.queries = queries
        self.statements = statements or max_difficulty * queries
        assert self.statements >= max_difficulty * queries
        assert self.statements <= len(VARIABLES)

    def example(self, rng, difficulty=None, statements=None):
        """One example as a dict: prompt (text up to and including '='), answer (text), difficulty. statements
        (default: the task's) may be smaller for a training curriculum, down to difficulty x queries."""
        d = difficulty if difficulty is not None else rng.randint(1, self.max_difficulty)
        n_st = statements or self.statements
        names = rng.sample(VARIABLES[:self.statements + 4], n_st)
        lengths = [d] * self.queries
        left = n_st - d * self.queries
        while left > 0:
            n = rng.randint(1, min(left, self.max_difficulty))
            lengths.append(n)
            left -= n
        chains, pos = [], 0
        for n in lengths:
            chain = names[pos:pos + n]
            pos += n
            chains.append([(chain[0], rng.choice(DIGITS))] + [(chain[i], chain[i - 1]) for i in range(1, n)])
        # interleave the chains at random, each in its own order
        order = [c for c, chain in enumerate(chains) for _ in chain]
        rng.shuffle(order)
        cursor = [0] * len(chains)
        program = []
        for c in order:
            program.append("%s=%s;" % chains[c][cursor[c]])
            cursor[c] += 1
        queried = chains[:self.queries]
        query = "".join(chain[-1][0] for chain in queried)
        answer = "".join(chain[0][1] for chain in queried)
        return {"prompt": "<|begin_text|>" + "".join(program) + "?" + query + "=", "answer": answer,
                "difficulty": d}

    def batch(self, rng, n):
        """Token tensors for training: ids (n, L) and the positions whose next token is supervised."""
        exs = [self.example(rng) for _ in range(n)]
        return exs


def to_training_ids(ex):
    """prompt + answer + <|end_text|> as ids, and a 0/1 mask over next-token targets (answer and end only)."""
    p = encode(ex["prompt"])
    a = encode(ex["answer"]) + [EOS]
    ids = p + a
    target_mask = [0] * (len(p) - 1) + [1] * len(a)
    return ids, target_mask


def write_eval_set(path, task, seed, per_level):
    rng = random.Random(seed)
    with open(path, "w") as f:
        for d in range(1, task.max_difficulty + 1):
            for _ in range(per_level):
                ex = task.example(rng, d)
                ex["prompt_ids"] = encode(ex["prompt"])
                ex["answer_ids"] = encode(ex["answer"]) + [EOS]
                f.write(json.dumps(ex) + "\n")


CUPS = "123"
MOVES = {"a": (1, 2), "b": (2, 3), "c": (1, 3)}


class ShellGameTask:
    """Rows of a shell game: a ball starts under cup 1, 2 or 3; each letter swaps two cups (a: 1-2, b: 2-3,
    c: 1-3). Every row of an example has d swaps, right-aligned with spaces in a field of width max_difficulty+1."""

    def __init__(self, max_difficulty=12, queries=3):
        self.max_difficulty = max_difficulty
        self.queries = queries

    def example(self, rng, difficulty=None):
        d = difficulty if difficulty is not None else rng.randint(1, self.max_difficulty)
        rows, answer = [], ""
        for _ in range(self.queries):
            ball = rng.randint(1, 3)
            moves = "".join(rng.choice("abc") for _ in range(d))
            row = " " * (self.max_difficulty - d) + str(ball) + moves
            for mv in moves:
                i, j = MOVES[mv]
                ball = j if ball == i else i if ball == j else ball
            rows.append(row)
            answer += str(ball)
        return {"prompt": "<|begin_text|>" + ",".join(rows) + "=", "answer": answer, "difficulty": d}


class AdditionTask:
    """n-digit addition, numbers written most-significant digit first and zero-padded (the sum to n+1 digits).
    Difficulty d = the longest run of columns whose two digits sum to 9 (0..n)."""

    def __init__(self, digits=8):
        self.digits = digits
        self.max_difficulty = digits
        self.min_difficulty = 0

    def example(self, rng, difficulty=None):
        n = self.digits
        d = difficulty if difficulty is not None else rng.randint(0, n)
        start = rng.randint(0, n - d)          # columns start .. start+d-1 (0 = least significant) sum to 9
        cols = [None] * n
        for c in range(start, start + d):
            x = rng.randint(0, 9)
            cols[c] = (x, 9 - x)
        run = 0
        for c in range(n):
            if cols[c] is None:
                while True:
                    x, y = rng.randint(0, 9), rng.randint(0, 9)
                    nine = x + y == 9
                    adjacent = c == start - 1 or c == start + d
                    if nine and (adjacent or run + 1 >= d):
                        continue  # keep the planted run the longest and exactly d long
                    break
                cols[c] = (x, y)
            run = run + 1 if sum(cols[c]) == 9 else 0
        a = int("".join(str(cols[c][0]) for c in reversed(range(n))))
        b = int("".join(str(cols[c][1]) for c in reversed(range(n))))
        prompt = "<|begin_text|>%0*d+%0*d=" % (n, a, n, b)
        return {"prompt": prompt, "answer": "%0*d" % (n + 1, a + b), "difficulty": d}


def longest_nine_run(a, b, n):
    run = best = 0
    for c in range(n):
        if (a // 10 ** c) % 10 + (b // 10 ** c) % 10 == 9:
            run += 1
            best = max(best, run)
        else:
            run = 0
    return best


class JumpTask:
    """Rows of digits and letters. Start at the end of a row; a digit k says 'jump k places back'; keep jumping
    until you land on a letter. Difficulty d = number of jumps (every row of an example has d); jumps are 1 or 2."""

    LETTERS = "abcdefghijklmnopqrstuvwxyz"

    def __init__(self, max_difficulty=8, queries=3, max_jump=2, letter_rate=0.3):
        self.max_difficulty = max_difficulty
        self.queries = queries
        self.max_jump = max_jump
        self.width = max_difficulty * max_jump + 1
        self.letter_rate = letter_rate

    def row(self, rng, d):
        w = self.width
        cells = [None] * w
        pos = w - 1
        for _ in range(d):
            k = rng.randint(1, self.max_jump)
            cells[pos] = str(k)
            pos -= k
        target = rng.choice(self.LETTERS)
        cells[pos] = target
        for i in range(w):
            if cells[i] is None:
                if rng.random() < self.letter_rate:
                    cells[i] = rng.choice(self.LETTERS)
                else:
                    cells[i] = str(rng.randint(1, self.max_jump))
        return "".join(cells), target

    def rows(self, rng, difficulty=None):
        """(d, the queries' rows, their answers joined): d drawn when difficulty is None."""
        d = difficulty if difficulty is not None else rng.randint(1, self.max_difficulty)
        rows, answer = [], ""
        for _ in range(self.queries):
            r, t = self.row(rng, d)
            rows.append(r)
            answer += t
        return d, rows, answer

    def example(self, rng, difficulty=None):
        d, rows, answer = self.rows(rng, difficulty)
        return {"prompt": "<|begin_text|>" + ",".join(rows) + "=", "answer": answer, "difficulty": d}


def follow_jumps(row):
    pos = len(row) - 1
    steps = 0
    while row[pos].isdigit():
        pos -= int(row[pos])
        steps += 1
    return row[pos], steps


class InterleavedJumpTask(JumpTask):
    """JumpTask's rows written column by column: cell i of row 1, cell i of row 2, ..., so a jump of k cells within
    a row is k * queries tokens back, and the last cells of the rows are the last tokens before '=' (each answer
    token reads the row it answers at the same distance). Difficulty d = the number of jumps of every row."""

    def example(self, rng, difficulty=None):
        d, rows, answer = self.rows(rng, difficulty)
        cells = "".join(rows[j][i] for i in range(self.width) for j in range(self.queries))
        return {"prompt": "<|begin_text|>" + cells + "=", "answer": answer, "difficulty": d}
