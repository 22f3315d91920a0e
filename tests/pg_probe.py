"""Exit 0 when the PostgreSQL URL given as argument accepts connections."""

import sys

import psycopg


def main(url: str) -> int:
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
