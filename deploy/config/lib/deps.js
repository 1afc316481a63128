'use strict';
// npm packages (yaml, @cdktf/hcl2json) come from the one install in deploy/terraform/validate-tool
// (package.json + package-lock.json there). `npm ci --prefix deploy/terraform/validate-tool`.
const path = require('path');
const { createRequire } = require('module');

const toolDir = path.resolve(__dirname, '..', '..', 'terraform', 'validate-tool');
const req = createRequire(path.join(toolDir, 'package.json'));

function load(name) {
  try {
    return req(name);
  } catch (e) {
    if (e.code === 'MODULE_NOT_FOUND') {
      const rel = path.relative(process.cwd(), toolDir) || '.';
      throw new Error(`npm package "${name}" is not installed: run \`npm ci --prefix ${rel}\``);
    }
    throw e;
  }
}

module.exports = { load, toolDir, hclLib: () => req(path.join(toolDir, 'lib', 'hcl.js')) };
