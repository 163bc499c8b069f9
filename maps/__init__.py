"""Folium map builders: pandas frames in, folium.Map out. No Django."""
