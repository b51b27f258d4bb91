"""python -m orchestration.sample [RAW_DIR] [--profile NAME] [--scale S|M|L] [--seed N]"""

from orchestration.sample.cli import main

main()
