import { CliError, parseCommandLine } from './options';

describe('the command line', () => {
  it('takes the command, its positionals and the options in any order', () => {
    expect(parseCommandLine(['state', 'agreement', '--at-revision', '2', 'lkp-2020', '--json', '--data-dir', 'd'])).toEqual({
      command: 'state',
      positionals: ['agreement', 'lkp-2020'],
      options: expect.objectContaining({ atRevision: '2', json: true, dataDir: 'd' }) as unknown, // jest types its matchers `any`
    });
  });

  it('collects a repeated --public-key and trims a trailing slash from --url', () => {
    const { options } = parseCommandLine(['verify', '--public-key', 'a.pem', '--public-key', 'b.pem', '--url', 'http://x:3000/']);
    expect(options.publicKey).toEqual(['a.pem', 'b.pem']);
    expect(options.url).toBe('http://x:3000');
  });

  it('refuses an unknown option or a missing value as a usage error (exit 2)', () => {
    for (const argv of [['verify', '--colour'], ['verify', '--file']]) {
      try {
        parseCommandLine(argv);
        throw new Error('parsed');
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
        expect((error as CliError).exitCode).toBe(2);
      }
    }
  });
});
