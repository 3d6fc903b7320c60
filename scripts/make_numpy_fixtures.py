"""Runs every fixture generator in scripts/fixtures/ with real NumPy; the JSON lands in test/fixtures/."""
import os
import runpy
import sys

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
sys.path.insert(0, here)
for name in sorted(os.listdir(here)):
    if name.endswith('.py') and name != 'common.py':
        runpy.run_path(os.path.join(here, name), run_name='__main__')
