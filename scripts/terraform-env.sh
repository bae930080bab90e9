#!/usr/bin/env bash
# Source this file: it points Terraform at the hashicorp/aws provider mirror that the machine image
# carries (the public registry is unreachable here) and shares one plugin cache between every root,
# so the 700 MB provider is linked, not copied, into each .terraform directory.
# It fails loudly when terraform or the mirror is missing: nothing is ever skipped.

_lv_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v terraform >/dev/null 2>&1; then
  echo "ERROR: terraform is not on PATH. Install Terraform >= 1.11 (see README, Prerequisites)." >&2
  return 1 2>/dev/null || exit 1
fi

# TF_PROVIDER_MIRROR may name the mirror explicitly; otherwise search the usual places.
if [ -z "${TF_PROVIDER_MIRROR:-}" ]; then
  _lv_provider="$(find /opt /usr/share /usr/local/share "$HOME" -xdev -path '*registry.terraform.io/hashicorp/aws/*/terraform-provider-aws_*' -type f 2>/dev/null | head -n 1)"
  if [ -n "$_lv_provider" ]; then
    TF_PROVIDER_MIRROR="${_lv_provider%%/registry.terraform.io/*}"
  fi
fi
if [ -z "${TF_PROVIDER_MIRROR:-}" ] || [ ! -d "$TF_PROVIDER_MIRROR/registry.terraform.io/hashicorp/aws" ]; then
  echo "ERROR: no filesystem mirror of hashicorp/aws found. Set TF_PROVIDER_MIRROR to a directory holding registry.terraform.io/hashicorp/aws/<version>/<os_arch>/ (unpacked layout)." >&2
  return 1 2>/dev/null || exit 1
fi
export TF_PROVIDER_MIRROR

mkdir -p "$_lv_root/.tools/terraform-plugin-cache"
export TF_CLI_CONFIG_FILE="$_lv_root/.tools/terraformrc"
_lv_config="$(cat <<CFG
plugin_cache_dir = "$_lv_root/.tools/terraform-plugin-cache"
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$TF_PROVIDER_MIRROR"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
CFG
)"
# Replaced by a rename, and only when it changes: the end-to-end stages source this file side by
# side, and a terraform reading the file while another shell truncated it would find no mirror
# and go to the registry.
if [ "$(cat "$TF_CLI_CONFIG_FILE" 2>/dev/null)" != "$_lv_config" ]; then
  _lv_tmp="$(mktemp "$TF_CLI_CONFIG_FILE.XXXXXX")"
  printf '%s\n' "$_lv_config" >"$_lv_tmp"
  mv -f "$_lv_tmp" "$TF_CLI_CONFIG_FILE"
fi
export TF_IN_AUTOMATION=1
export TF_INPUT=0
unset _lv_provider _lv_root _lv_config _lv_tmp
