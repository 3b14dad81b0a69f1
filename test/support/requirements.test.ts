import { describe, expect, it } from 'vitest';
import { findRequirement, planRequirements, REQUIREMENTS, type Requirement, type System } from './requirements.js';

const chromium = REQUIREMENTS.find((r) => r.name === 'chromium')!;
const nginx = REQUIREMENTS.find((r) => r.name === 'nginx')!;
const headersMore = REQUIREMENTS.find((r) => r.name === 'nginx-headers-more')!;

/** A machine with these executables and plain files, and nothing else. */
function machine(options: {
  env?: Record<string, string>;
  platform?: NodeJS.Platform;
  isRoot?: boolean;
  executables?: string[];
  files?: string[];
}): System {
  const executables = new Set(options.executables);
  const files = new Set([...(options.files ?? []), ...executables]);
  return {
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/home/ada', ...options.env },
    platform: options.platform ?? 'linux',
    isRoot: options.isRoot ?? false,
    isExecutable: (file) => executables.has(file),
    exists: (file) => files.has(file),
  };
}

describe('finding a browser', () => {
  it('takes CHROMIUM_PATH first, over anything on PATH', () => {
    const system = machine({ env: { CHROMIUM_PATH: '/opt/chrome/chrome' }, executables: ['/opt/chrome/chrome', '/usr/bin/chromium'] });
    expect(findRequirement(chromium, system)).toBe('/opt/chrome/chrome');
  });

  it('finds nothing when CHROMIUM_PATH names a file that cannot run, rather than quietly taking another browser', () => {
    const system = machine({
      env: { CHROMIUM_PATH: '/opt/chrome/chrome' },
      files: ['/opt/chrome/chrome'],
      executables: ['/usr/bin/chromium'],
    });
    expect(findRequirement(chromium, system)).toBeUndefined();
  });

  it('tries chromium, chromium-browser, google-chrome, google-chrome-stable in that order, each through all of PATH', () => {
    expect(findRequirement(chromium, machine({ executables: ['/usr/bin/google-chrome', '/bin/chromium-browser'] }))).toBe(
      '/bin/chromium-browser',
    );
    expect(findRequirement(chromium, machine({ executables: ['/usr/bin/google-chrome-stable', '/usr/local/bin/google-chrome'] }))).toBe(
      '/usr/local/bin/google-chrome',
    );
    expect(findRequirement(chromium, machine({ executables: ['/usr/bin/chromium', '/usr/local/bin/chromium'] }))).toBe(
      '/usr/local/bin/chromium',
    );
  });

  it('skips a file on PATH that is not executable', () => {
    const system = machine({ files: ['/usr/local/bin/chromium'], executables: ['/usr/bin/chromium'] });
    expect(findRequirement(chromium, system)).toBe('/usr/bin/chromium');
  });

  it('looks in the applications folders on macOS, and only there', () => {
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(findRequirement(chromium, machine({ platform: 'darwin', executables: [chrome] }))).toBe(chrome);
    const own = '/Users/ada/Applications/Chromium.app/Contents/MacOS/Chromium';
    expect(findRequirement(chromium, machine({ platform: 'darwin', env: { HOME: '/Users/ada' }, executables: [own] }))).toBe(own);
    expect(findRequirement(chromium, machine({ platform: 'linux', executables: [chrome] }))).toBeUndefined();
  });

  it('finds nothing on an empty machine', () => {
    expect(findRequirement(chromium, machine({}))).toBeUndefined();
    expect(findRequirement(chromium, machine({ env: { PATH: '' } }))).toBeUndefined();
  });
});

describe('finding nginx and its headers-more module', () => {
  it("finds Debian's nginx in /usr/sbin, which is not on a user's PATH", () => {
    expect(findRequirement(nginx, machine({ executables: ['/usr/sbin/nginx'] }))).toBe('/usr/sbin/nginx');
  });

  it('finds the module as a plain file (modules are not executable)', () => {
    const module = '/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so';
    expect(findRequirement(headersMore, machine({ files: [module] }))).toBe(module);
    expect(findRequirement(headersMore, machine({}))).toBeUndefined();
  });
});

describe('what pnpm test does about it', () => {
  /** A tool and a module for it, as nginx and its headers-more module are. */
  const tool: Requirement = {
    name: 'tool',
    usedBy: 'the tool test',
    env: 'TOOL_PATH',
    commands: ['tool'],
    debian: ['tool-light'],
    brew: 'tool',
  };
  const toolModule: Requirement = {
    name: 'tool-module',
    usedBy: 'the tool test',
    env: 'TOOL_MODULE',
    paths: { linux: ['/usr/lib/tool/module.so'] },
    file: true,
    debian: ['libtool-module'],
  };
  const requirements = [chromium, tool, toolModule];
  const everything = ['/usr/bin/chromium', '/usr/bin/tool', '/usr/bin/apt-get'];

  it('goes ahead when everything is there', () => {
    const plan = planRequirements(requirements, machine({ executables: everything, files: ['/usr/lib/tool/module.so'] }));
    expect(plan.action).toBe('ready');
    expect([...plan.found]).toEqual([
      ['chromium', '/usr/bin/chromium'],
      ['tool', '/usr/bin/tool'],
      ['tool-module', '/usr/lib/tool/module.so'],
    ]);
  });

  it('as root with apt-get, installs every missing Debian package in one go', () => {
    const plan = planRequirements(requirements, machine({ isRoot: true, executables: ['/usr/bin/apt-get', '/usr/bin/tool'] }));
    expect(plan).toMatchObject({ action: 'install', packages: ['chromium', 'libtool-module'] });
  });

  it('without root, stops with one line that names the apt-get command and the variables', () => {
    const plan = planRequirements(requirements, machine({ executables: ['/usr/bin/apt-get'] }));
    expect(plan.action).toBe('stop');
    const message = plan.action === 'stop' ? plan.message : '';
    expect(message).not.toContain('\n');
    expect(message).toContain('sudo apt-get install -y chromium tool-light libtool-module');
    expect(message).toContain('CHROMIUM_PATH, TOOL_PATH, TOOL_MODULE');
  });

  it('on macOS, names the Homebrew commands, and what Homebrew does not have', () => {
    const plan = planRequirements(requirements, machine({ platform: 'darwin', isRoot: true }));
    expect(plan).toMatchObject({ action: 'stop', message: expect.stringContaining('brew install --cask chromium && brew install tool') });
    expect(plan).toMatchObject({ message: expect.stringContaining('Homebrew has no tool-module') });
  });

  it('elsewhere, names the Debian packages to look for', () => {
    const plan = planRequirements([chromium], machine({ isRoot: true, executables: ['/usr/bin/dnf'] }));
    expect(plan).toMatchObject({ action: 'stop', message: expect.stringContaining("Debian's packages: chromium") });
  });

  it('never installs over a variable that names a missing file: says which', () => {
    const plan = planRequirements(requirements, machine({ isRoot: true, env: { CHROMIUM_PATH: '/nope' }, executables: everything }));
    expect(plan).toMatchObject({ action: 'stop', message: expect.stringContaining('CHROMIUM_PATH=/nope is not an executable file') });
  });
});
