"""The web app's pages, one blueprint per concern: sign-in, clips and jobs, athletes."""
