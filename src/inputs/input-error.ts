// One error type for every rejected input, so each message has the same three parts: the input's name,
// what is wrong, and the form that is accepted. Messages never contain a secret value.

export class InputError extends Error {
  readonly input: string;

  constructor(input: string, problem: string, accepted: string) {
    super(`Input "${input}": ${problem}. Accepted: ${accepted}.`);
    this.name = 'InputError';
    this.input = input;
  }
}
