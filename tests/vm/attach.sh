#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside a VM running another kernel than the default one: the selftests
# that show the scheduler loads, attaches and schedules a load there.
#
# Usage: attach.sh RUNNER

set -u

echo "# kernel $(uname -r)"
exec "$1" -t attach_detach -t exit_info -t workload
