"""Regenerate tfevents/proto/*_pb2.py from the .proto files beside them.

Needs the `dev` extra (grpcio-tools). Run from anywhere: python scripts/generate_protos.py
"""

import pathlib
import sys

from grpc_tools import protoc

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "tfevents" / "proto"


def main() -> int:
    import grpc_tools

    well_known = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    protos = sorted(p.relative_to(ROOT).as_posix() for p in PROTO_DIR.glob("*.proto"))
    args = ["protoc", f"-I{ROOT}", f"-I{well_known}", f"--python_out={ROOT}", *protos]
    status = protoc.main(args)
    if status == 0:
        print(f"generated {len(protos)} modules in {PROTO_DIR.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
