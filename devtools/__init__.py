"""Development tools: the realistic corpus generator, the benchmark and the load test.

Nothing in the product apps imports from here.
"""
