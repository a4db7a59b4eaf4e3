# Shared by demo.sh and test.sh: a virtual environment in .venv with Airtime installed.
# Usage: source scripts/bootstrap.sh [EXTRA]   (EXTRA: pip extra such as "test")

apt_install() {
    # Debian packages, installed only when missing (root or sudo).
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

bootstrap() {
    local extra="${1:-}"
    if ! python3 -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
        echo "Airtime needs Python 3.11 or newer as python3." >&2
        exit 1
    fi
    if [ ! -x .venv/bin/python ]; then
        python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
        python3 -m venv .venv
    fi
    local spec="."
    [ -n "$extra" ] && spec=".[$extra]"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e "$spec"
}
