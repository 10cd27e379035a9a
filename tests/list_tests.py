#!/usr/bin/env python3
"""Prints the test executables declared in tests/cmake/*.cmake and the fuzz targets in
tests/fuzz/, one per line, for meson.build, so CMake and Meson build the same tests from
one list:  kind|target|area|source,source|serial|data,data
(data: the paths under tests/data/ that the executable reads, its DATA), then the
cirrus_add_backend_tests runs of those executables against another server:
    backend|test|area|target|SET|FROM|DEFAULT|Excluded.Test:Excluded.Test
"""
import pathlib
import re

tests = pathlib.Path(__file__).resolve().parent
call = re.compile(r"cirrus_add_tests\(\s*(\S+)(.*?)\)", re.S)
backend_call = re.compile(r"cirrus_add_backend_tests\(\s*(\S+)(.*?)\)", re.S)


def keyword_args(body):
    args, key = {}, None
    for w in body.split():
        if w.isupper() and w.isalpha():
            key = w
            args.setdefault(key, [])
        elif key:
            args[key].append(w)
    return args


backends = []
for cmake in sorted((tests / "cmake").glob("*.cmake")):
    text = re.sub(r"#.*", "", cmake.read_text())
    for name, body in backend_call.findall(text):
        a = keyword_args(body)
        backends.append(f"backend|{name}|{a['AREA'][0]}|{a['TARGET'][0]}|{a['SET'][0]}|{a['FROM'][0]}|"
                        f"{a['DEFAULT'][0]}|{':'.join(a.get('EXCLUDE', []))}")
    for target, body in call.findall(text):
        args = keyword_args(body)
        area = args["AREA"][0]
        sources = ",".join("tests/" + s for s in args["SOURCES"])
        serial = "1" if args.get("LOCKS") else "0"
        data = ",".join(args.get("DATA", []))
        print(f"gtest|{target}|{area}|{sources}|{serial}|{data}")
for fuzz in sorted((tests / "fuzz").glob("*_fuzz.cpp")):
    name = fuzz.stem[: -len("_fuzz")]
    area = name.split("_", 1)[0]
    print(f"fuzz|{name}|{area}|tests/fuzz/{fuzz.name},tests/fuzz/driver.cpp|0|")
for line in backends:
    print(line)
