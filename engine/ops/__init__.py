"""The ops, grouped by family; each module registers its ops with ``engine.framework.op_registry``."""
