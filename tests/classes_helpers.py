"""Helpers the class tests share: make a class over HTTP, join it as a student."""

from __future__ import annotations

import re

CODE = "test-instructor-code"  # the INSTRUCTOR_CODE the class tests set


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def create_class(client, name="ML 101") -> dict:
    code = client.application.config.setdefault("INSTRUCTOR_CODE", CODE)  # the app's own
    page = client.get("/classes/new")
    response = client.post("/classes/new", data={
        "name": name, "instructor_code": code, "csrf_token": csrf(page.text)})
    assert response.status_code == 200, response.text
    teach = re.search(r'id="teach-url"[^>]*>http://localhost([^<]+)<', response.text).group(1)
    join = re.search(r'id="student-url" value="http://localhost([^"]+)"', response.text).group(1)
    token, key = teach.split("/")[2:4]
    return {"teach": teach, "join": join, "token": token, "key": key, "page": response}


def join(app, link: str, name: str):
    client = app.test_client()
    page = client.get(link)
    assert page.status_code == 200 and "Your name or student ID" in page.text
    response = client.post(link, data={"name": name, "csrf_token": csrf(page.text)})
    assert response.status_code == 303 and response.location == "/"
    return client
