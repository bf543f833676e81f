"""Following Brønnøysundregistrene's update feed: suppliers' register data kept true over time.

``feed``      reading ``/enhetsregisteret/api/oppdateringer/enheter`` (HTTP, or a recorded fixture offline)
``models``    the follower's position, the updates applied and the alerts it raised
``apply``     what an update does to a supplier (name, address, size; bankruptcy, winding-up, deletion)
``follower``  the loop: read a page, apply each update with the position in one transaction
"""
