#!/usr/bin/env bash
# make.sh derives the invalid fixtures from ../states/v1.tfstate, each by one
# small edit (see README.md). record.sh runs it after re-recording v1;
# v3.tfstate is written by hand and left alone.
set -euo pipefail
cd "$(dirname "$0")"
src=../states/v1.tfstate

sed '/^  "lineage": /d' "$src" >missing-lineage.tfstate
sed -E '0,/"serial": ([0-9]+),/s//"serial": "\1",/' "$src" >serial-string.tfstate
head -c "$(($(wc -c <"$src") / 2))" "$src" >bad-json.tfstate
sed '0,/"version": 4,/s//"version": 5,/' "$src" >v5.tfstate
sed '0,/"mode": "data"/s//"mode": "datasource"/' "$src" >bad-mode.tfstate
sed '0,/"index_key": 1,/s//"index_key": 0,/' "$src" >duplicate-instance.tfstate
sed '0,/"type": "get_attr"/s//"type": "get_element"/' "$src" >bad-sensitive-attributes.tfstate
