import uuid
from django.db import models
from django.contrib.postgres.fields import ArrayField

class Author(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    title = models.CharField(max_length=200, db_index=True)
    meta = models.JSONField(default=dict)
    tags = ArrayField(models.CharField(max_length=20), default=list)
    price = models.DecimalField(max_digits=8, decimal_places=2, null=True)
