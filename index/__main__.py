import sys

from index import offline
from index.config import IndexSettings

offline.apply(IndexSettings().data_dir)
from index.cli import main  # noqa: E402

sys.exit(main())
