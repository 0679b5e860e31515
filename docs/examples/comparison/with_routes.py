from flask import Flask, abort, redirect, render_template, session, url_for
from flask_wtf import CSRFProtect, FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from ..quickstart import db

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
CSRFProtect(app)


class PostForm(FlaskForm):
    title = StringField(validators=[DataRequired()])


@app.route("/posts/<int:post_id>", methods=["GET", "POST"])
def show_post(post_id):
    post = db.get_post(post_id)
    if post is None:
        abort(404)
    form = PostForm(data=post)
    if form.validate_on_submit():
        if session.get("user") != post["author"]:
            abort(403)
        db.update_post(post_id, title=form.title.data)
        return redirect(url_for("show_post", post_id=post_id), 303)
    return render_template("post_wtf.html", post=post, form=form)


@app.post("/posts/<int:post_id>/delete")
def delete_post(post_id):
    post = db.get_post(post_id)
    if post is None or session.get("user") != post["author"]:
        abort(403)
    db.delete_post(post_id)
    return redirect("/", 303)
