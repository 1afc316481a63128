#!/usr/bin/env bash
# deploy/terraform/validate.sh — validate the Terraform in this directory without cloud access.
#
#   1. static checks (validate-tool/check-terraform.js): every .tf parsed with HashiCorp's HCL
#      parser (@cdktf/hcl2json), references resolved, variables described and typed, no
#      duplicates, versions pinned, the project's policy (TLS 1.3, encryption, KMS rotation,
#      node-group labels/taint, /health checks);
#   2. the checker's own tests (node --test), so a checker that silently stopped checking fails;
#   3. `terraform fmt -check` when a terraform binary is on PATH, and `terraform init
#      -backend=false && terraform validate` (full provider-schema validation) when an AWS
#      provider is available offline: a filesystem mirror in $TF_PLUGIN_MIRROR or /opt/tf-plugins,
#      or your own $TF_CLI_CONFIG_FILE. Set SR_TERRAFORM_ONLINE=1 to let `terraform init`
#      download the provider instead.
#
#   validate.sh [all|static|terraform]   all (default) = 1-3; static = 1-2; terraform = 3
#
# Exit status: 0 = every step ran and passed; 1 = a failure; 77 = nothing failed but step 3 could
# not run (no terraform binary, or no AWS provider offline): it prints SKIP and the reason, and
# scripts/validate-deploy.sh counts it as skipped, never as passed. SR_REQUIRE_DEPLOY_TOOLS=1
# (what .ci/run sets: the CI machine has terraform and the provider mirror) or the older
# SR_REQUIRE_TERRAFORM_VALIDATE=1 turn that skip into a failure.
#
# Needs Node.js >= 18 and npm (CI: apt-get install -y nodejs npm).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tool="$here/validate-tool"

mode=${1:-all}
case "$mode" in all | static | terraform) ;; *) echo "usage: validate.sh [all|static|terraform]" >&2; exit 2 ;; esac
die() { echo "validate.sh: $*" >&2; exit 1; }
skip() { # the terraform step cannot run here: a failure when the tools are required
  if [ "${SR_REQUIRE_DEPLOY_TOOLS:-0}" = 1 ] || [ "${SR_REQUIRE_TERRAFORM_VALIDATE:-0}" = 1 ]; then
    die "$1 (SR_REQUIRE_DEPLOY_TOOLS=1: required)"
  fi
  echo "SKIP: $1"
  exit 77
}

if [ "$mode" != terraform ]; then
  "$tool/ensure-deps.sh"
  echo "== terraform static checks (hcl2json)"
  node "$tool/check-terraform.js" "$here"
  echo "== checker self-tests"
  node --test "$tool/test/"
fi
[ "$mode" = static ] && exit 0

echo "== terraform fmt / validate"
if ! command -v terraform >/dev/null; then
  skip "no terraform binary on PATH: terraform fmt and terraform validate did not run"
fi
# A TF_CLI_CONFIG_FILE naming a file that does not exist only produces warnings: drop it.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
# sed reads to the end: `head -1` could close the pipe while terraform still writes its
# upgrade notice, and pipefail then failed the check silently (SIGPIPE, exit 141).
terraform version | sed -n 1p
# Top-level files only: validate-tool/test/fixtures holds deliberately broken Terraform.
terraform fmt -check -diff "$here" || die "terraform fmt: files above need \`terraform fmt\`"
echo "terraform fmt: OK"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here"/*.tf "$work"/
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] || [ "${SR_TERRAFORM_ONLINE:-0}" = 1 ]; then
  : # the caller's CLI configuration (or the public registry) provides the provider
elif [ -d "$mirror/registry.terraform.io/hashicorp/aws" ]; then
  cat >"$work/.terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
RC
  export TF_CLI_CONFIG_FILE="$work/.terraformrc"
else
  skip "no AWS provider available offline (no mirror at $mirror; set TF_PLUGIN_MIRROR, TF_CLI_CONFIG_FILE or SR_TERRAFORM_ONLINE=1): terraform validate did not run"
fi
export TF_IN_AUTOMATION=1 TF_DATA_DIR="$work/.terraform" CHECKPOINT_DISABLE=1
if ! (cd "$work" && terraform init -backend=false -input=false -no-color >"$work/init.log" 2>&1); then
  cat "$work/init.log" >&2
  die "terraform init -backend=false failed"
fi
awk '/^provider /{p=$2} /^  version/{gsub(/"/,"",$3); print "provider " p " " $3}' "$work/.terraform.lock.hcl" | tr -d '"'
(cd "$work" && terraform validate -no-color) || die "terraform validate failed"
