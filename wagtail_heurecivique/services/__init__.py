"""What residents do through the public site: sign up, report a need, register, keep a space.

Services write the domain and send its signals; they never import who listens.
"""
